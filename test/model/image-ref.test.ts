import { describe, expect, it } from 'vitest';
import { errorMessage } from '../../src/core/errors.js';
import {
  familiarString,
  ImageIdReader,
  ImageRefError,
  type ImageRefErrorKind,
  ImageRefReader,
  matchesPrefix,
  parseImageID,
  parseImageRef,
  parseReference,
  refString,
  registryHostOf,
  tryParseImageRef,
} from '../../src/model/image-ref.js';

/*
 * Cases ported as data from distribution/reference (github.com/distribution/reference, commit 0965666):
 * reference_test.go (TestReferenceParse, TestDomainAndPath, TestSerialization) and normalize_test.go
 * (TestValidateReferenceName, TestValidateRemoteName, TestParseRepositoryInfo,
 * TestParseReferenceWithTagAndDigest, TestInvalidReferenceComponents, TestParseAnyReference,
 * TestNormalizedSplitHostname, TestParseDockerRef, TestParseNamed).
 */
const F64 = 'f'.repeat(64);

interface ParseCase {
  readonly input: string;
  readonly err?: ImageRefErrorKind;
  /** upstream `repository`: Name() = domain + "/" + path, or just path without a domain. */
  readonly repository?: string;
  readonly domain?: string;
  readonly tag?: string;
  readonly digest?: string;
}

// TestReferenceParse, upstream `Parse` (no normalisation).
const referenceParseCases: readonly ParseCase[] = [
  { input: 'test_com', repository: 'test_com' },
  { input: 'test.com:tag', repository: 'test.com', tag: 'tag' },
  { input: 'test.com:5000', repository: 'test.com', tag: '5000' },
  { input: 'test.com/repo:tag', domain: 'test.com', repository: 'test.com/repo', tag: 'tag' },
  { input: 'test:5000/repo', domain: 'test:5000', repository: 'test:5000/repo' },
  { input: 'test:5000/repo:tag', domain: 'test:5000', repository: 'test:5000/repo', tag: 'tag' },
  {
    input: `test:5000/repo@sha256:${F64}`,
    domain: 'test:5000',
    repository: 'test:5000/repo',
    digest: `sha256:${F64}`,
  },
  {
    input: `test:5000/repo:tag@sha256:${F64}`,
    domain: 'test:5000',
    repository: 'test:5000/repo',
    tag: 'tag',
    digest: `sha256:${F64}`,
  },
  { input: '', err: 'name-empty' },
  { input: ':justtag', err: 'invalid-format' },
  { input: `@sha256:${F64}`, err: 'invalid-format' },
  { input: `repo@sha256:${'f'.repeat(34)}`, err: 'digest-invalid-length' },
  { input: `validname@invaliddigest:${F64}`, err: 'digest-unsupported' },
  { input: 'Uppercase:tag', err: 'name-uppercase' },
  { input: 'test:5000/Uppercase/lowercase:tag', err: 'name-uppercase' },
  { input: 'lowercase:Uppercase', repository: 'lowercase', tag: 'Uppercase' },
  { input: `domain/${'a'.repeat(256)}:tag`, err: 'name-too-long' },
  {
    input: `${'a/'.repeat(127)}a:tag-puts-this-over-max`,
    domain: 'a',
    repository: `${'a/'.repeat(127)}a`,
    tag: 'tag-puts-this-over-max',
  },
  { input: 'aa/asdf$$^/aa', err: 'invalid-format' },
  {
    input: 'sub-dom1.foo.com/bar/baz/quux',
    domain: 'sub-dom1.foo.com',
    repository: 'sub-dom1.foo.com/bar/baz/quux',
  },
  {
    input: 'sub-dom1.foo.com/bar/baz/quux:some-long-tag',
    domain: 'sub-dom1.foo.com',
    repository: 'sub-dom1.foo.com/bar/baz/quux',
    tag: 'some-long-tag',
  },
  {
    input: 'b.gcr.io/test.example.com/my-app:test.example.com',
    domain: 'b.gcr.io',
    repository: 'b.gcr.io/test.example.com/my-app',
    tag: 'test.example.com',
  },
  {
    input: 'xn--n3h.com/myimage:xn--n3h.com',
    domain: 'xn--n3h.com',
    repository: 'xn--n3h.com/myimage',
    tag: 'xn--n3h.com',
  },
  {
    input: `xn--7o8h.com/myimage:xn--7o8h.com@sha256:${F64}`,
    domain: 'xn--7o8h.com',
    repository: 'xn--7o8h.com/myimage',
    tag: 'xn--7o8h.com',
    digest: `sha256:${F64}`,
  },
  { input: 'foo_bar.com:8080', repository: 'foo_bar.com', tag: '8080' },
  { input: 'foo/foo_bar.com:8080', domain: 'foo', repository: 'foo/foo_bar.com', tag: '8080' },
  { input: '192.168.1.1', repository: '192.168.1.1' },
  { input: '192.168.1.1:tag', repository: '192.168.1.1', tag: 'tag' },
  { input: '192.168.1.1:5000', repository: '192.168.1.1', tag: '5000' },
  { input: '192.168.1.1/repo', domain: '192.168.1.1', repository: '192.168.1.1/repo' },
  { input: '192.168.1.1:5000/repo', domain: '192.168.1.1:5000', repository: '192.168.1.1:5000/repo' },
  {
    input: '192.168.1.1:5000/repo:5050',
    domain: '192.168.1.1:5000',
    repository: '192.168.1.1:5000/repo',
    tag: '5050',
  },
  { input: '[2001:db8::1]', err: 'invalid-format' },
  { input: '[2001:db8::1]:5000', err: 'invalid-format' },
  { input: '[2001:db8::1]:tag', err: 'invalid-format' },
  { input: '[2001:db8::1]/repo', domain: '[2001:db8::1]', repository: '[2001:db8::1]/repo' },
  {
    input: '[2001:db8:1:2:3:4:5:6]/repo:tag',
    domain: '[2001:db8:1:2:3:4:5:6]',
    repository: '[2001:db8:1:2:3:4:5:6]/repo',
    tag: 'tag',
  },
  { input: '[2001:db8::1]:5000/repo', domain: '[2001:db8::1]:5000', repository: '[2001:db8::1]:5000/repo' },
  {
    input: '[2001:db8::1]:5000/repo:tag',
    domain: '[2001:db8::1]:5000',
    repository: '[2001:db8::1]:5000/repo',
    tag: 'tag',
  },
  {
    input: `[2001:db8::1]:5000/repo@sha256:${F64}`,
    domain: '[2001:db8::1]:5000',
    repository: '[2001:db8::1]:5000/repo',
    digest: `sha256:${F64}`,
  },
  {
    input: `[2001:db8::1]:5000/repo:tag@sha256:${F64}`,
    domain: '[2001:db8::1]:5000',
    repository: '[2001:db8::1]:5000/repo',
    tag: 'tag',
    digest: `sha256:${F64}`,
  },
  { input: '[2001:db8::]:5000/repo', domain: '[2001:db8::]:5000', repository: '[2001:db8::]:5000/repo' },
  { input: '[::1]:5000/repo', domain: '[::1]:5000', repository: '[::1]:5000/repo' },
  { input: '[fe80::1%eth0]:5000/repo', err: 'invalid-format' },
  { input: '[fe80::1%@invalidzone]:5000/repo', err: 'invalid-format' },
  {
    input: `example.com/${'a'.repeat(255)}:tag`,
    domain: 'example.com',
    repository: `example.com/${'a'.repeat(255)}`,
    tag: 'tag',
  },
  // TestDomainAndPath (WithName) and TestSerialization.
  { input: 'test.com/foo', domain: 'test.com', repository: 'test.com/foo' },
  { input: 'test_com/foo', repository: 'test_com/foo' },
  { input: 'test:8080/foo', domain: 'test:8080', repository: 'test:8080/foo' },
  { input: 'test.com:8080/foo', domain: 'test.com:8080', repository: 'test.com:8080/foo' },
  { input: 'test-com:8080/foo', domain: 'test-com:8080', repository: 'test-com:8080/foo' },
  { input: 'xn--n3h.com:18080/foo', domain: 'xn--n3h.com:18080', repository: 'xn--n3h.com:18080/foo' },
  { input: 'example.com:8000/named', domain: 'example.com:8000', repository: 'example.com:8000/named' },
  {
    input: 'example.com:8000/named:tagged',
    domain: 'example.com:8000',
    repository: 'example.com:8000/named',
    tag: 'tagged',
  },
  {
    input: 'other.com/named@sha256:1234567890098765432112345667890098765432112345667890098765432112',
    domain: 'other.com',
    repository: 'other.com/named',
    digest: 'sha256:1234567890098765432112345667890098765432112345667890098765432112',
  },
];

describe('parseReference agrees with upstream Parse (reference_test.go)', () => {
  it.each(referenceParseCases)('$input', (tc) => {
    if (tc.err) {
      expect(() => parseReference(tc.input)).toThrow(ImageRefError);
      try {
        parseReference(tc.input);
      } catch (err) {
        expect((err as ImageRefError).kind).toBe(tc.err);
        expect(errorMessage(err)).not.toBe('');
      }
      return;
    }
    const ref = parseReference(tc.input);
    const repository = ref.domain ? `${ref.domain}/${ref.path}` : ref.path;
    expect(repository).toBe(tc.repository);
    expect(ref.domain).toBe(tc.domain ?? '');
    expect(ref.tag).toBe(tc.tag);
    expect(ref.digest).toBe(tc.digest);
  });

  it('accepts sha512 digests (upstream test binary does not link crypto/sha512; kubelet and containerd do)', () => {
    // Upstream lists `validname@sha512:<128 hex>` as ErrDigestUnsupported only because its test binary
    // does not import crypto/sha512; every real client links it through crypto/tls, so it is valid.
    expect(parseReference(`validname@sha512:${'f'.repeat(128)}`).digest).toBe(`sha512:${'f'.repeat(128)}`);
  });
});

// TestValidateReferenceName + TestValidateRemoteName: ParseNormalizedNamed accepts / rejects.
const validNormalized = [
  'docker/docker',
  'library/debian',
  'debian',
  'localhost/library/debian',
  'localhost/debian',
  'LOCALDOMAIN/library/debian',
  'LOCALDOMAIN/debian',
  'docker.io/docker/docker',
  'docker.io/library/debian',
  'docker.io/debian',
  'index.docker.io/docker/docker',
  'index.docker.io/library/debian',
  'index.docker.io/debian',
  '127.0.0.1:5000/docker/docker',
  '127.0.0.1:5000/library/debian',
  '127.0.0.1:5000/debian',
  '192.168.0.1',
  '192.168.0.1:80',
  '192.168.0.1:8/debian',
  '192.168.0.2:25000/debian',
  'thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev',
  '[fc00::1]:5000/docker',
  '[fc00::1]:5000/docker/docker',
  '[fc00:1:2:3:4:5:6:7]:5000/library/debian',
  'docker.io/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a',
  'Docker/docker',
  'DOCKER/docker',
  'docker-rules/docker',
  'docker---rules/docker',
  'doc/docker',
  'd/docker',
  'jess/t',
  'dock__er/docker',
];

const invalidNormalized = [
  'https://github.com/docker/docker',
  'docker/Docker',
  '-docker',
  '-docker/docker',
  '-docker.io/docker/docker',
  'docker///docker',
  'docker.io/docker/Docker',
  'docker.io/docker///docker',
  '[fc00::1]',
  '[fc00::1]:5000',
  'fc00::1:5000/debian',
  '[fe80::1%eth0]:5000/debian',
  '[2001:db8:3:4::192.0.2.33]:5000/debian',
  '1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a',
  'docker-/docker',
  '-docker-/docker',
  '____/____',
  '_docker/_docker',
  'dock..er/docker',
  'dock_.er/docker',
  'dock-.er/docker',
  'docker/',
  `${'this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_'.repeat(4)}this_is_not/docker`,
  '-foo',
];

describe('parseImageRef accepts and rejects what ParseNormalizedNamed does (normalize_test.go)', () => {
  it.each(validNormalized)('valid: %s', (input) => {
    expect(() => parseImageRef(input)).not.toThrow();
  });
  it.each(invalidNormalized)('invalid: %s', (input) => {
    expect(() => parseImageRef(input)).toThrow(Error);
  });
});

// TestParseRepositoryInfo: every spelling normalises to the same full name, familiar name and domain.
const repositoryInfo: readonly {
  remote: string;
  familiar: string;
  full: string;
  ambiguous?: string;
  domain: string;
}[] = [
  {
    remote: 'fooo',
    familiar: 'localhost/fooo',
    full: 'localhost/fooo',
    ambiguous: 'localhost/fooo',
    domain: 'localhost',
  },
  {
    remote: 'fooo/bar',
    familiar: 'localhost/fooo/bar',
    full: 'localhost/fooo/bar',
    ambiguous: 'localhost/fooo/bar',
    domain: 'localhost',
  },
  {
    remote: 'fooo',
    familiar: 'LOCALDOMAIN/fooo',
    full: 'LOCALDOMAIN/fooo',
    ambiguous: 'LOCALDOMAIN/fooo',
    domain: 'LOCALDOMAIN',
  },
  {
    remote: 'fooo/bar',
    familiar: 'LOCALDOMAIN/fooo/bar',
    full: 'LOCALDOMAIN/fooo/bar',
    ambiguous: 'LOCALDOMAIN/fooo/bar',
    domain: 'LOCALDOMAIN',
  },
  {
    remote: 'fooo/bar',
    familiar: 'fooo/bar',
    full: 'docker.io/fooo/bar',
    ambiguous: 'index.docker.io/fooo/bar',
    domain: 'docker.io',
  },
  {
    remote: 'library/ubuntu',
    familiar: 'ubuntu',
    full: 'docker.io/library/ubuntu',
    ambiguous: 'library/ubuntu',
    domain: 'docker.io',
  },
  {
    remote: 'nonlibrary/ubuntu',
    familiar: 'nonlibrary/ubuntu',
    full: 'docker.io/nonlibrary/ubuntu',
    domain: 'docker.io',
  },
  {
    remote: 'other/library',
    familiar: 'other/library',
    full: 'docker.io/other/library',
    domain: 'docker.io',
  },
  {
    remote: 'private/moonbase',
    familiar: '127.0.0.1:8000/private/moonbase',
    full: '127.0.0.1:8000/private/moonbase',
    domain: '127.0.0.1:8000',
  },
  {
    remote: 'privatebase',
    familiar: '127.0.0.1:8000/privatebase',
    full: '127.0.0.1:8000/privatebase',
    domain: '127.0.0.1:8000',
  },
  {
    remote: 'private/moonbase',
    familiar: 'example.com/private/moonbase',
    full: 'example.com/private/moonbase',
    domain: 'example.com',
  },
  {
    remote: 'privatebase',
    familiar: 'example.com/privatebase',
    full: 'example.com/privatebase',
    domain: 'example.com',
  },
  {
    remote: 'private/moonbase',
    familiar: 'example.com:8000/private/moonbase',
    full: 'example.com:8000/private/moonbase',
    domain: 'example.com:8000',
  },
  {
    remote: 'privatebasee',
    familiar: 'example.com:8000/privatebasee',
    full: 'example.com:8000/privatebasee',
    domain: 'example.com:8000',
  },
  {
    remote: 'library/ubuntu-12.04-base',
    familiar: 'ubuntu-12.04-base',
    full: 'docker.io/library/ubuntu-12.04-base',
    ambiguous: 'index.docker.io/library/ubuntu-12.04-base',
    domain: 'docker.io',
  },
  {
    remote: 'library/foo',
    familiar: 'foo',
    full: 'docker.io/library/foo',
    ambiguous: 'docker.io/foo',
    domain: 'docker.io',
  },
  {
    remote: 'library/foo/bar',
    familiar: 'library/foo/bar',
    full: 'docker.io/library/foo/bar',
    domain: 'docker.io',
  },
  {
    remote: 'store/foo/bar',
    familiar: 'store/foo/bar',
    full: 'docker.io/store/foo/bar',
    domain: 'docker.io',
  },
  { remote: 'bar', familiar: 'Foo/bar', full: 'Foo/bar', domain: 'Foo' },
  { remote: 'bar', familiar: 'FOO/bar', full: 'FOO/bar', domain: 'FOO' },
];

describe('normalised forms (TestParseRepositoryInfo)', () => {
  const rows = repositoryInfo.flatMap((tc) =>
    [tc.familiar, tc.full, ...(tc.ambiguous ? [tc.ambiguous] : [])].map((input) => ({ input, ...tc })),
  );
  it.each(rows)('$input', (tc) => {
    const ref = parseImageRef(tc.input);
    expect(ref.domain).toBe(tc.domain);
    expect(ref.path).toBe(tc.remote);
    // TagNameOnly adds latest; the names themselves match upstream's Name()/FamiliarName().
    expect(ref.tag).toBe('latest');
    expect(`${ref.domain}/${ref.path}`).toBe(tc.full);
    expect(familiarString(ref)).toBe(`${tc.familiar}:latest`);
  });
});

// TestNormalizedSplitHostname.
const splitHostname: readonly [string, string, string][] = [
  ['test.com/foo', 'test.com', 'foo'],
  ['test_com/foo', 'docker.io', 'test_com/foo'],
  ['docker/migrator', 'docker.io', 'docker/migrator'],
  ['test.com:8080/foo', 'test.com:8080', 'foo'],
  ['test-com:8080/foo', 'test-com:8080', 'foo'],
  ['foo', 'docker.io', 'library/foo'],
  ['xn--n3h.com/foo', 'xn--n3h.com', 'foo'],
  ['xn--n3h.com:18080/foo', 'xn--n3h.com:18080', 'foo'],
  ['docker.io/foo', 'docker.io', 'library/foo'],
  ['docker.io/library/foo', 'docker.io', 'library/foo'],
  ['docker.io/library/foo/bar', 'docker.io', 'library/foo/bar'],
  // TestParseNamed's canonical inputs.
  ['test:8080/foo', 'test:8080', 'foo'],
];

describe('domain and path (TestNormalizedSplitHostname)', () => {
  it.each(splitHostname)('%s → %s + %s', (input, domain, path) => {
    const ref = parseImageRef(input);
    expect(registryHostOf(ref)).toBe(domain);
    expect(ref.path).toBe(path);
  });
});

const DBCC = 'dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c';
const E669 = 'e6693c20186f837fc393390135d8a598a96a833917917789d63766cab6c59582';

// TestParseAnyReference (named forms) and TestParseDockerRef, as ParseNormalizedNamed + TagNameOnly.
// Unlike ParseDockerRef we keep the tag next to the digest (the issue asks for both together).
const fullForms: readonly [string, string][] = [
  ['redis', 'docker.io/library/redis:latest'],
  ['redis:latest', 'docker.io/library/redis:latest'],
  ['docker.io/library/redis:latest', 'docker.io/library/redis:latest'],
  [`redis@sha256:${DBCC}`, `docker.io/library/redis@sha256:${DBCC}`],
  [`docker.io/library/redis@sha256:${DBCC}`, `docker.io/library/redis@sha256:${DBCC}`],
  ['dmcgowan/myapp', 'docker.io/dmcgowan/myapp:latest'],
  ['dmcgowan/myapp:latest', 'docker.io/dmcgowan/myapp:latest'],
  ['docker.io/mcgowan/myapp:latest', 'docker.io/mcgowan/myapp:latest'],
  [`dmcgowan/myapp@sha256:${DBCC}`, `docker.io/dmcgowan/myapp@sha256:${DBCC}`],
  [`docker.io/dmcgowan/myapp@sha256:${DBCC}`, `docker.io/dmcgowan/myapp@sha256:${DBCC}`],
  [DBCC.slice(0, 63), `docker.io/library/${DBCC.slice(0, 63)}:latest`],
  ['dbcc1', 'docker.io/library/dbcc1:latest'],
  ['busybox', 'docker.io/library/busybox:latest'],
  ['busybox:latest', 'docker.io/library/busybox:latest'],
  [`busybox@sha256:${E669}`, `docker.io/library/busybox@sha256:${E669}`],
  ['library/busybox', 'docker.io/library/busybox:latest'],
  ['docker.io/busybox', 'docker.io/library/busybox:latest'],
  ['docker.io/library/busybox', 'docker.io/library/busybox:latest'],
  ['docker.io/busybox:latest', 'docker.io/library/busybox:latest'],
  ['library/busybox:latest', 'docker.io/library/busybox:latest'],
  ['gcr.io/library/busybox', 'gcr.io/library/busybox:latest'],
  [`gcr.io/library/busybox:latest@sha256:${E669}`, `gcr.io/library/busybox:latest@sha256:${E669}`],
  // TestParseReferenceWithTagAndDigest.
  [
    'busybox:latest@sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa',
    'docker.io/library/busybox:latest@sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa',
  ],
  // FORMATS.md section 6 edge cases.
  ['test.com:5000', 'docker.io/library/test.com:5000'],
  ['192.168.1.1:5000', 'docker.io/library/192.168.1.1:5000'],
  ['localhost:5000/foo', 'localhost:5000/foo:latest'],
  ['localhost/foo', 'localhost/foo:latest'],
  ['registry-1.docker.io/library/nginx', 'registry-1.docker.io/library/nginx:latest'],
  ['index.docker.io/nginx:1.25', 'docker.io/library/nginx:1.25'],
  ['[2001:db8::1]:5000/repo', '[2001:db8::1]:5000/repo:latest'],
  [`test:5000/repo:tag@sha256:${F64}`, `test:5000/repo:tag@sha256:${F64}`],
];

describe('full normalised strings', () => {
  it.each(fullForms)('%s → %s', (input, expected) => {
    expect(refString(parseImageRef(input))).toBe(expected);
  });
  it('familiarString drops docker.io/library but keeps tag and digest (TestParseReferenceWithTagAndDigest)', () => {
    const short = 'busybox:latest@sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa';
    expect(familiarString(parseImageRef(short))).toBe(short);
  });
  it('default tag only when there is no tag and no digest', () => {
    expect(parseImageRef(`nginx@sha256:${DBCC}`).tag).toBeUndefined();
    expect(parseImageRef('nginx').tag).toBe('latest');
    expect(parseImageRef('nginx:1.25').tag).toBe('1.25');
  });
});

// Messages say why, in the words kubectl users know.
const invalidMessages: readonly [string, RegExp][] = [
  ['Uppercase:tag', /repository name \(library\/Uppercase\) must be lowercase/],
  ['docker.io/docker/Docker', /must be lowercase/],
  [DBCC, /64-character hexadecimal/],
  ['', /at least one component/],
  ['https://registry.example.internal/tkg/foo', /URL scheme/],
  ['registry.example.internal/tkg/foo bar', /whitespace/],
  [`registry.example.internal/foo:${'a'.repeat(129)}`, /tag is 129 characters/],
  ['registry.example.internal/foo:-bad', /the tag "-bad"/],
  ['registry.example.internal//foo', /empty path component/],
  ['registry.example.internal/foo@sha256:abc', /digest/],
  [`registry.example.internal/foo@sha256:${'F'.repeat(64)}`, /lowercase/],
  [`registry.example.internal/${'a'.repeat(256)}`, /not be more than 255/],
  ['registry.example.internal/tkg/my..image', /path component "my\.\.image"/],
  ['[fe80::1%eth0]:5000/debian', /invalid reference format/],
];

describe('invalid references throw an Error that says why', () => {
  it.each(invalidMessages)('%s', (input, message) => {
    expect(() => parseImageRef(input)).toThrow(message);
  });
});

describe('matchesPrefix is path-segment aware', () => {
  const cases: readonly [string, string, boolean][] = [
    ['registry.example.internal/tkg/antrea:v1', 'registry.example.internal/tkg', true],
    ['registry.example.internal/tkg:v1', 'registry.example.internal/tkg', true],
    ['registry.example.internal/tkgx/antrea:v1', 'registry.example.internal/tkg', false],
    ['registry.example.internal/other/antrea:v1', 'registry.example.internal/tkg', false],
    ['registry.example.internal/other/antrea:v1', 'registry.example.internal', true],
    ['registry.example.internal/other/antrea:v1', 'registry.example.internal/', true],
    ['Registry.Example.Internal/tkg/a', 'registry.example.internal/tkg', true],
    ['registry.example.internal:5000/tkg/a', 'registry.example.internal/tkg', false],
    ['registry.example.internal:5000/tkg/a', 'registry.example.internal:5000/tkg', true],
    ['registry.example.internal.evil.com/tkg/a', 'registry.example.internal', false],
    ['nginx', 'docker.io/library', true],
    ['nginx', 'index.docker.io/library/nginx', true],
    ['[fc00::1]:5000/tkg/a', '[fc00::1]:5000/tkg', true],
    ['10.0.0.5:5000/tkg/a', '10.0.0.5:5000', true],
    ['10.0.0.5:5000/tkg/a', '10.0.0.5', false],
  ];
  it.each(cases)('%s under %s → %s', (image, prefix, expected) => {
    expect(matchesPrefix(parseImageRef(image), prefix)).toBe(expected);
  });
});

describe('parseImageID reads what the kubelet reports', () => {
  const cases: readonly [string, string | undefined, string | undefined][] = [
    [
      `docker-pullable://registry.example.internal/tkg/antrea@sha256:${DBCC}`,
      'registry.example.internal/tkg/antrea',
      `sha256:${DBCC}`,
    ],
    [`docker-pullable://nginx@sha256:${DBCC}`, 'docker.io/library/nginx', `sha256:${DBCC}`],
    [`docker://sha256:${DBCC}`, undefined, `sha256:${DBCC}`],
    [`docker.io/library/nginx@sha256:${DBCC}`, 'docker.io/library/nginx', `sha256:${DBCC}`],
    [
      `registry.example.internal:5000/tkg/pause@sha256:${DBCC}`,
      'registry.example.internal:5000/tkg/pause',
      `sha256:${DBCC}`,
    ],
    [`sha256:${DBCC}`, undefined, `sha256:${DBCC}`],
  ];
  it.each(cases)('%s', (imageID, name, digest) => {
    const parsed = parseImageID(imageID);
    expect(parsed?.digest).toBe(digest);
    expect(parsed?.ref ? `${parsed.ref.domain}/${parsed.ref.path}` : undefined).toBe(name);
  });
  it('returns undefined for empty or unreadable ids', () => {
    expect(parseImageID(undefined)).toBeUndefined();
    expect(parseImageID('')).toBeUndefined();
    expect(parseImageID('not a ref at all')).toBeUndefined();
  });
});

describe('ImageIdReader reads exactly what parseImageID reads', () => {
  const upper = `sha256:${DBCC.toUpperCase()}`;
  const cases: readonly (string | undefined)[] = [
    undefined,
    '',
    'docker-pullable://',
    `registry.example.internal/tkg/antrea@sha256:${DBCC}`,
    `docker-pullable://registry.example.internal/tkg/antrea@sha256:${DBCC}`,
    `docker-pullable://docker://nginx@sha256:${DBCC}`,
    `docker://docker://nginx@sha256:${DBCC}`,
    `docker://sha256:${DBCC}`,
    `nginx@sha256:${DBCC}`,
    `library/nginx@sha256:${DBCC}`,
    `index.docker.io/library/nginx@sha256:${DBCC}`,
    `localhost/pause@sha256:${DBCC}`,
    `localhost:5000/pause@sha256:${DBCC}`,
    `[::1]:5000/tkg/pause@sha256:${DBCC}`,
    `registry.example.internal:5000/tkg/pause:3.9@sha256:${DBCC}`,
    `registry.example.internal/tkg/pause:latest@sha256:${DBCC}`,
    `Registry.Example.Internal/tkg/pause@sha256:${DBCC}`,
    `registry.example.internal/Tkg/pause@sha256:${DBCC}`,
    `registry.example.internal/tkg/pause:UPPER-tag_1.0@sha256:${DBCC}`,
    `${DBCC}@sha256:${DBCC}`,
    `${'a'.repeat(300)}/x@sha256:${DBCC}`,
    `registry.example.internal/${'a'.repeat(4000)}@sha256:${DBCC}`,
    `registry.example.internal/${'a'.repeat(4030)}@sha256:${DBCC}`,
    `registry.example.internal/tkg/pause@${upper}`,
    `registry.example.internal/tkg/pause@sha256:${DBCC.slice(1)}`,
    `registry.example.internal/tkg/pause@sha256:${DBCC}0`,
    `registry.example.internal/tkg/pause@sha512:${DBCC}${DBCC}`,
    `registry.example.internal/tkg/pause@sha384:${DBCC.slice(0, 32)}${DBCC}`,
    `registry.example.internal/tkg/pause@md5:${DBCC}`,
    `a@b@sha256:${DBCC}`,
    `@sha256:${DBCC}`,
    `registry.example.internal/tkg/pause@`,
    `registry.example.internal/tkg/pause@sha256:`,
    'registry.example.internal/tkg/pause:1.0',
    'registry.example.internal/tkg/pause',
    `sha256:${DBCC}`,
    `sha512:${DBCC}`,
    'not a ref at all',
    `not a ref@sha256:${DBCC}`,
  ];
  it.each(cases.map((c) => [c === undefined ? '(undefined)' : c.slice(0, 120), c]))(
    '%s',
    (_label, imageID) => {
      // Twice through one reader: the second read comes from what the first remembered.
      const reader = new ImageIdReader();
      const expected = parseImageID(imageID);
      expect(reader.read(imageID)).toStrictEqual(expected);
      expect(reader.read(imageID)).toStrictEqual(expected);
      // The same key order as parseImageID's objects: a report serialises them.
      expect(JSON.stringify(reader.read(imageID))).toBe(JSON.stringify(expected));
    },
  );

  it('agrees over many digests of one name and mixed names in one reader', () => {
    const reader = new ImageIdReader(3);
    const names = ['nginx', 'registry.example.internal/tkg/pause:3.9', 'Bad/Name', 'localhost/x', 'a/b'];
    for (let i = 0; i < 200; i++) {
      const hex = (BigInt(i + 1) * 0x9e3779b97f4a7c15n).toString(16).padStart(64, '0').slice(-64);
      const imageID = `${names[i % names.length]}@sha256:${hex}`;
      expect(reader.read(imageID)).toStrictEqual(parseImageID(imageID));
    }
  });
});

describe('ImageRefReader reads what tryParseImageRef reads, each name once', () => {
  it.each([
    ['nginx'],
    ['docker.io/library/nginx:1.25'],
    [`registry.example.internal:5000/tkg/app@sha256:${'a'.repeat(64)}`],
    ['Bad/Name'],
    [''],
    ['registry.example.internal/tkg/app:'],
  ])('%s', (image) => {
    const reader = new ImageRefReader();
    const expected = tryParseImageRef(image);
    for (let i = 0; i < 2; i++) {
      const got = reader.read(image);
      if (expected instanceof ImageRefError) {
        expect(got).toBeInstanceOf(ImageRefError);
        expect((got as ImageRefError).kind).toBe(expected.kind);
      } else expect(got).toStrictEqual(expected);
    }
  });

  it('stays right past its bound (it starts afresh)', () => {
    const reader = new ImageRefReader(2);
    const names = ['a:1', 'b:2', 'c:3', 'a:1', 'Bad:x', 'b:2'];
    for (const n of [...names, ...names]) {
      const expected = tryParseImageRef(n);
      const got = reader.read(n);
      expect(got instanceof ImageRefError ? got.kind : got).toStrictEqual(
        expected instanceof ImageRefError ? expected.kind : expected,
      );
    }
  });
});
