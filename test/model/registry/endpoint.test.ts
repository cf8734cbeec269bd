import { describe, expect, it } from 'vitest';
import {
  credentialHostKey,
  credentialSecrets,
  parseDockerConfig,
} from '../../../src/model/registry/credentials.js';
import { isPublicRegistryHost } from '../../../src/model/registry/guard.js';
import { endpointKey, probeKey, type RegistryEndpoint } from '../../../src/model/registry/types.js';
import { apiRoot, isDigestReference, MANIFEST_ACCEPT, manifestUrl } from '../../../src/model/registry/url.js';

describe('isPublicRegistryHost: never dial these', () => {
  it.each([
    ['docker.io', true],
    ['index.docker.io', true],
    ['registry-1.docker.io', true],
    ['gcr.io', true],
    ['us.gcr.io', true],
    ['k8s.gcr.io', true],
    ['registry.k8s.io', true],
    ['quay.io', true],
    ['ghcr.io', true],
    ['mcr.microsoft.com', true],
    ['projects.registry.vmware.com', true],
    ['europe-west1-docker.pkg.dev', true],
    ['public.ecr.aws', true],
    ['GCR.IO', true],
    ['gcr.io.', true],
    ['registry.example.internal', false],
    ['127.0.0.1', false],
    ['::1', false],
    ['gcr.io.example.internal', false],
    ['mygcr.io', false],
    ['', false],
  ])('%s → %s', (host, expected) => {
    expect(isPublicRegistryHost(host)).toBe(expected);
  });
});

describe('manifest URL as containerd builds it', () => {
  const base: RegistryEndpoint = { scheme: 'https', host: 'registry.example', port: 443 };
  it.each<[string, RegistryEndpoint, string]>([
    ['default port dropped', base, 'https://registry.example/v2/tkg/app/manifests/1.0'],
    ['explicit port', { ...base, port: 5000 }, 'https://registry.example:5000/v2/tkg/app/manifests/1.0'],
    ['http default port', { scheme: 'http', host: 'm', port: 80 }, 'http://m/v2/tkg/app/manifests/1.0'],
    [
      'IPv6 literal',
      { scheme: 'https', host: '::1', port: 5000 },
      'https://[::1]:5000/v2/tkg/app/manifests/1.0',
    ],
    [
      'path prefix gets /v2',
      { ...base, path: '/prefix' },
      'https://registry.example/prefix/v2/tkg/app/manifests/1.0',
    ],
    [
      'path already ending in /v2',
      { ...base, path: '/prefix/v2/' },
      'https://registry.example/prefix/v2/tkg/app/manifests/1.0',
    ],
    [
      'override_path: path is the API root',
      { ...base, path: '/v2/gcr', overridePath: true },
      'https://registry.example/v2/gcr/tkg/app/manifests/1.0',
    ],
    [
      'mirror ns parameter',
      { ...base, ns: 'docker.io' },
      'https://registry.example/v2/tkg/app/manifests/1.0?ns=docker.io',
    ],
    [
      'ns with a port',
      { ...base, ns: 'reg.example:5000' },
      'https://registry.example/v2/tkg/app/manifests/1.0?ns=reg.example%3A5000',
    ],
  ])('%s', (_n, endpoint, url) => {
    expect(manifestUrl({ endpoint, repository: 'tkg/app', reference: '1.0' })).toBe(url);
  });

  it('apiRoot without a path is /v2', () => {
    expect(apiRoot(base)).toBe('/v2');
    expect(apiRoot({ ...base, overridePath: true })).toBe('');
  });

  it("sends containerd's Accept set, in its order (remotes/docker/resolver.go)", () => {
    expect(MANIFEST_ACCEPT).toBe(
      'application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, */*',
    );
  });

  it('tells digests from tags', () => {
    expect(isDigestReference(`sha256:${'a'.repeat(64)}`)).toBe(true);
    expect(isDigestReference('1.0')).toBe(false);
    expect(isDigestReference('v1.2.3-sha256')).toBe(false);
  });

  it('keys one probe per (endpoint with its TLS settings, repository, reference)', () => {
    const a = { endpoint: base, repository: 'r', reference: 't' };
    expect(probeKey(a)).toBe(probeKey({ ...a, endpoint: { ...base } }));
    expect(probeKey(a)).not.toBe(probeKey({ ...a, reference: 'u' }));
    expect(endpointKey(base)).not.toBe(endpointKey({ ...base, caFiles: ['/ca.crt'] }));
    expect(endpointKey(base)).not.toBe(endpointKey({ ...base, ns: 'docker.io' }));
    expect(endpointKey(base)).toBe(endpointKey({ ...base, port: undefined }));
  });
});

describe('docker config.json credentials', () => {
  const config = JSON.stringify({
    auths: {
      'https://Registry.Example:5000/v1/': {
        auth: Buffer.from('robot$ci:s3cr3t:with:colons').toString('base64'),
      },
      'harbor.example': { username: 'u', password: 'pw-1234' },
      'https://index.docker.io/v1/': { identitytoken: 'idtoken-abcdef' },
      'empty.example': {},
    },
  });
  it('reads auth, username/password and identitytoken, keyed by host[:port]', () => {
    const store = parseDockerConfig(config);
    expect([...store.keys()]).toEqual(['registry.example:5000', 'harbor.example', 'docker.io']);
    expect(store.get('registry.example:5000')).toEqual({
      kind: 'basic',
      username: 'robot$ci',
      password: 's3cr3t:with:colons',
    });
    expect(store.get('docker.io')).toEqual({ kind: 'identity-token', token: 'idtoken-abcdef' });
  });
  it('lists every secret for the redaction registry', () => {
    const secrets = credentialSecrets(parseDockerConfig(config));
    expect(secrets).toContain('s3cr3t:with:colons');
    expect(secrets).toContain('pw-1234');
    expect(secrets).toContain('idtoken-abcdef');
    expect(secrets).toContain(Buffer.from('u:pw-1234').toString('base64'));
  });
  it.each([
    ['https://reg.example/v2/', 'reg.example'],
    ['REG.example:443', 'reg.example:443'],
    ['registry-1.docker.io', 'docker.io'],
  ])('key %s → %s', (key, expected) => {
    expect(credentialHostKey(key)).toBe(expected);
  });
});
