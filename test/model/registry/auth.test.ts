import { describe, expect, it } from 'vitest';
import {
  parseTokenResponse,
  parseWwwAuthenticate,
  preferredChallenge,
  pullScope,
  tokenUrl,
} from '../../../src/model/registry/auth.js';

describe('parseWwwAuthenticate', () => {
  const cases: [string, string, unknown[]][] = [
    [
      'Docker Hub (distribution spec example)',
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push"',
      [
        {
          scheme: 'bearer',
          realm: 'https://auth.docker.io/token',
          service: 'registry.docker.io',
          scope: 'repository:samalba/my-app:pull,push',
        },
      ],
    ],
    [
      'Harbor',
      'Bearer realm="https://harbor.example/service/token",service="harbor-registry",scope="repository:library/nginx:pull"',
      [
        {
          scheme: 'bearer',
          realm: 'https://harbor.example/service/token',
          service: 'harbor-registry',
          scope: 'repository:library/nginx:pull',
        },
      ],
    ],
    [
      'distribution htpasswd',
      'Basic realm="airgap-top-test"',
      [{ scheme: 'basic', realm: 'airgap-top-test' }],
    ],
    ['Basic without realm, scheme case-insensitive', 'BASIC', [{ scheme: 'basic' }]],
    [
      'token error after an insufficient token',
      'Bearer realm="https://r/token", service="s", error="insufficient_scope"',
      [{ scheme: 'bearer', realm: 'https://r/token', service: 's', error: 'insufficient_scope' }],
    ],
    [
      'unquoted values, upper-case parameter names',
      'Bearer Realm=https://r/t,Service=s',
      [{ scheme: 'bearer', realm: 'https://r/t', service: 's' }],
    ],
    [
      'escaped quote inside a quoted value',
      'Basic realm="a \\"b\\" c"',
      [{ scheme: 'basic', realm: 'a "b" c' }],
    ],
    [
      'two challenges in one header',
      'Bearer realm="https://r/token",service="s", Basic realm="fallback"',
      [
        { scheme: 'bearer', realm: 'https://r/token', service: 's' },
        { scheme: 'basic', realm: 'fallback' },
      ],
    ],
    [
      'Bearer without realm is not usable',
      'Bearer service="s"',
      [{ scheme: 'other', raw: 'Bearer service="s"' }],
    ],
    [
      'unknown scheme',
      'Negotiate abc',
      [
        { scheme: 'other', raw: 'Negotiate' },
        { scheme: 'other', raw: 'abc' },
      ],
    ],
    ['empty', '', []],
  ];
  it.each(cases)('%s', (_name, header, expected) => {
    expect(parseWwwAuthenticate(header)).toEqual(expected);
  });

  it('reads every header line when the header repeats', () => {
    expect(parseWwwAuthenticate(['Basic realm="a"', 'Bearer realm="https://r"'])).toEqual([
      { scheme: 'basic', realm: 'a' },
      { scheme: 'bearer', realm: 'https://r' },
    ]);
    expect(parseWwwAuthenticate(undefined)).toEqual([]);
  });

  it('prefers Bearer over Basic, as containerd does', () => {
    expect(
      preferredChallenge(parseWwwAuthenticate('Basic realm="a", Bearer realm="https://r"'))?.scheme,
    ).toBe('bearer');
    expect(preferredChallenge([])).toBeUndefined();
  });
});

describe('token request', () => {
  it('asks realm?service=…&scope=repository:NAME:pull, keeping the realm query', () => {
    expect(
      tokenUrl({ realm: 'https://h/service/token', service: 'harbor-registry' }, [
        pullScope('tkg/antrea'),
      ]).toString(),
    ).toBe('https://h/service/token?service=harbor-registry&scope=repository%3Atkg%2Fantrea%3Apull');
    expect(tokenUrl({ realm: 'https://h/t?x=1' }, ['repository:a:pull']).search).toBe(
      '?x=1&scope=repository%3Aa%3Apull',
    );
  });

  const answers: [string, string, unknown][] = [
    ['token', '{"token":"abc","expires_in":300}', { token: 'abc', expiresIn: 300 }],
    ['access_token (OAuth2 form)', '{"access_token":"xyz"}', { token: 'xyz', expiresIn: 60 }],
    ['token wins over access_token', '{"token":"t","access_token":"a"}', { token: 't', expiresIn: 60 }],
    ['empty token', '{"token":""}', undefined],
    ['not JSON', '<html>', undefined],
  ];
  it.each(answers)('reads %s', (_n, body, expected) => {
    expect(parseTokenResponse(body)).toEqual(expected);
  });
});
