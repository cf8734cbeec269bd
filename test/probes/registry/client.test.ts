import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { LookupFunction } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Logger } from '../../../src/core/log.js';
import { tlsExpiryVerdict, verdictCode } from '../../../src/model/registry/classify.js';
import { parseDockerConfig } from '../../../src/model/registry/credentials.js';
import type { ManifestProbe, RegistryEndpoint } from '../../../src/model/registry/types.js';
import { endpointKey } from '../../../src/model/registry/types.js';
import { RegistryClient, type RequestEvent } from '../../../src/probes/registry/client.js';
import {
  type BuiltImage,
  buildOciLayout,
  type FaultServer,
  issueLeaf,
  type LeafCert,
  makeCa,
  skopeoInspectRaw,
  skopeoPush,
  startFaultServer,
  startRegistry,
  type TestCa,
  type TestRegistry,
  tempDir,
} from '../../helpers/registry.js';
import { freePort } from '../../helpers/sshd.js';

/**
 * The registry client against real peers on 127.0.0.1: docker-registry (distribution 2.8) over TLS,
 * one with htpasswd, one with a certificate from another CA, a pull-through cache in front of a fourth
 * standing in for a public upstream, plus small HTTPS servers for the answers a healthy registry
 * never gives. skopeo pushes the images and is the independent judge of presence.
 */
const tmp = tempDir('airgap-registry-');
let mainCa: TestCa;
let otherCa: TestCa;
let mainLeaf: LeafCert;
let main: TestRegistry;
let auth: TestRegistry;
let other: TestRegistry;
let upstream: TestRegistry;
let cache: TestRegistry;
let images: Map<string, BuiltImage>;
const faults: FaultServer[] = [];
const USER = 'robot';
const PASSWORD = 'correct-horse-battery-staple';

function endpoint(
  address: string,
  ca: TestCa | undefined,
  extra: Partial<RegistryEndpoint> = {},
): RegistryEndpoint {
  const [host, port] = address.split(':');
  return {
    scheme: 'https',
    host: host ?? '',
    port: Number(port),
    ...(ca ? { caFiles: [ca.certFile] } : {}),
    ...extra,
  };
}

function probe(
  e: RegistryEndpoint,
  repository: string,
  reference: string,
  expectDigest?: string,
): ManifestProbe {
  return { endpoint: e, repository, reference, ...(expectDigest ? { expectDigest } : {}) };
}

/** Records every exchange, and refuses to resolve any name but registry.test. */
function instrumented(extra: ConstructorParameters<typeof RegistryClient>[0] = {}) {
  const events: RequestEvent[] = [];
  const secrets: string[] = [];
  const client = new RegistryClient({
    lookup: testLookup,
    onRequest: (e) => events.push(e),
    registerSecret: (s) => secrets.push(s),
    sleep: async () => {},
    ...extra,
  });
  return { client, events, secrets };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const testLookup = ((hostname: string, options: unknown, callback: unknown) => {
  const cb = (typeof options === 'function' ? options : callback) as (...args: unknown[]) => void;
  const all = typeof options === 'object' && options !== null && (options as { all?: boolean }).all;
  if (hostname === 'registry.test') {
    if (all) cb(null, [{ address: '127.0.0.1', family: 4 }]);
    else cb(null, '127.0.0.1', 4);
  } else {
    const err = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    cb(err);
  }
}) as unknown as LookupFunction;

beforeAll(async () => {
  mainCa = makeCa(tmp.dir, 'Main Test Registry CA');
  otherCa = makeCa(tmp.dir, 'Other Test CA');
  mainLeaf = issueLeaf(mainCa, join(tmp.dir, 'main'), { sans: 'IP:127.0.0.1,DNS:registry.test' });
  const otherLeaf = issueLeaf(otherCa, join(tmp.dir, 'other'), { sans: 'IP:127.0.0.1' });
  [main, auth, other, upstream] = await Promise.all([
    startRegistry(tmp.dir, { name: 'main', leaf: mainLeaf }),
    startRegistry(tmp.dir, { name: 'auth', leaf: mainLeaf, users: { [USER]: PASSWORD } }),
    startRegistry(tmp.dir, { name: 'other', leaf: otherLeaf }),
    startRegistry(tmp.dir, { name: 'upstream', leaf: mainLeaf }),
  ]);
  cache = await startRegistry(tmp.dir, {
    name: 'cache',
    leaf: mainLeaf,
    proxy: { remoteUrl: `https://${upstream.address}`, upstreamCa: mainCa.certFile },
  });
  const layout = join(tmp.dir, 'layout');
  images = buildOciLayout(layout, [
    { tag: '1.0', arches: ['amd64'] },
    { tag: 'multi', arches: ['amd64', 'arm64'] },
    { tag: 'unpushed', arches: ['amd64'] },
  ]);
  const mainTarget = { address: main.address, certDir: mainCa.certDir };
  await skopeoPush(layout, '1.0', mainTarget, 'tkg/app');
  await skopeoPush(layout, 'multi', mainTarget, 'tkg/app');
  await skopeoPush(
    layout,
    '1.0',
    { address: auth.address, certDir: mainCa.certDir, creds: `${USER}:${PASSWORD}` },
    'tkg/app',
  );
  await skopeoPush(layout, '1.0', { address: other.address, certDir: otherCa.certDir }, 'tkg/app');
  await skopeoPush(layout, '1.0', { address: upstream.address, certDir: mainCa.certDir }, 'library/nginx');
}, 120_000);

afterAll(async () => {
  await Promise.all([main, auth, other, upstream, cache, ...faults].filter(Boolean).map((s) => s.stop()));
  tmp.remove();
});

describe('registry client against docker-registry: skopeo agrees', () => {
  it('says present/absent exactly when skopeo inspect --raw does, with the same digest', async () => {
    const e = endpoint(main.address, mainCa);
    const one = images.get('1.0') as BuiltImage;
    const multi = images.get('multi') as BuiltImage;
    const cases: [string, string][] = [
      ['tkg/app', '1.0'],
      ['tkg/app', 'multi'],
      ['tkg/app', 'unpushed'],
      ['tkg/missing', '1.0'],
      ['tkg/app', one.digest],
      ['tkg/app', multi.manifests[1] as string],
      ['tkg/app', `sha256:${'0'.repeat(64)}`],
    ];
    const { client, events } = instrumented();
    const sweep = await client.sweep(cases.map(([r, ref]) => probe(e, r, ref)));
    for (const [i, [repository, reference]] of cases.entries()) {
      const skopeo = await skopeoInspectRaw(
        { address: main.address, certDir: mainCa.certDir },
        repository,
        reference,
      );
      const result = sweep.results[i];
      expect(result?.verdict.kind, `${repository}:${reference}`).toBe(skopeo.exists ? 'present' : 'absent');
      if (skopeo.exists) expect(result?.evidence.digest).toBe(skopeo.digest);
    }
    expect(sweep.results[0]?.verdict).toEqual({
      kind: 'present',
      digest: one.digest,
      mediaType: one.mediaType,
    });
    expect(sweep.results[1]?.verdict).toMatchObject({
      kind: 'present',
      mediaType: 'application/vnd.oci.image.index.v1+json',
    });
    expect(sweep.results.map((r) => verdictCode(r.verdict))).toEqual([
      'REG-001',
      'REG-001',
      'REG-002',
      'REG-002',
      'REG-001',
      'REG-001',
      'REG-002',
    ]);
    // One HEAD per (endpoint, repository, reference), nothing else.
    expect(events.map((x) => `${x.kind} ${x.method}`)).toEqual(cases.map(() => 'manifest HEAD'));
    expect(sweep.counts).toEqual({ manifestRequests: cases.length, tokenRequests: 0, unique: cases.length });
    expect(sweep.results[0]?.evidence).toMatchObject({
      url: `https://${main.address}/v2/tkg/app/manifests/1.0`,
      method: 'HEAD',
      status: 200,
      auth: 'none',
      requests: 1,
    });
  });

  it('asks each (endpoint, repository, reference) once per sweep, however many containers want it', async () => {
    const e = endpoint(main.address, mainCa);
    const { client, events } = instrumented({ concurrency: 2 });
    const probes = Array.from({ length: 30 }, (_, i) => probe(e, 'tkg/app', i % 3 === 0 ? 'multi' : '1.0'));
    const sweep = await client.sweep(probes);
    expect(sweep.results).toHaveLength(30);
    expect(sweep.results.every((r) => r.verdict.kind === 'present')).toBe(true);
    expect(events).toHaveLength(2);
    expect(sweep.counts.unique).toBe(2);
  });

  it('compares the digest the pod pinned: another build under the tag is REG-006', async () => {
    const e = endpoint(main.address, mainCa);
    const multi = images.get('multi') as BuiltImage;
    const { client } = instrumented();
    const sweep = await client.sweep([
      probe(e, 'tkg/app', '1.0', multi.digest),
      probe(e, 'tkg/app', 'multi', multi.digest),
    ]);
    expect(sweep.results[0]?.verdict).toMatchObject({
      kind: 'digest-mismatch',
      expected: multi.digest,
      actual: images.get('1.0')?.digest,
    });
    expect(verdictCode(sweep.results[0]!.verdict)).toBe('REG-006');
    expect(sweep.results[1]?.verdict.kind).toBe('present');
  });

  it('dials a name through the injected resolver, and a name it cannot resolve is unreachable (dns)', async () => {
    const { client } = instrumented();
    const sweep = await client.sweep([
      probe(endpoint(main.address, mainCa, { host: 'registry.test' }), 'tkg/app', '1.0'),
      probe(endpoint(main.address, mainCa, { host: 'nowhere.test' }), 'tkg/app', '1.0'),
    ]);
    expect(sweep.results[0]?.verdict.kind).toBe('present');
    expect(sweep.results[1]?.verdict).toMatchObject({ kind: 'unreachable', failure: 'dns' });
    expect(verdictCode(sweep.results[1]!.verdict)).toBe('REG-105');
  });

  it('an endpoint it cannot reach is dialled once per sweep, not once per image; the next sweep tries again', async () => {
    let lookups = 0;
    const counting = ((hostname: string, options: unknown, callback: unknown) => {
      if (hostname === 'nowhere.test') lookups++;
      (testLookup as unknown as (...a: unknown[]) => void)(hostname, options, callback);
    }) as unknown as LookupFunction;
    const { client, events } = instrumented({ lookup: counting });
    const down = endpoint(main.address, mainCa, { host: 'nowhere.test' });
    const probes = Array.from({ length: 40 }, (_, i) => probe(down, 'tkg/app', `v${i}`));
    const sweep = await client.sweep(probes);
    expect(sweep.results.every((r) => r.verdict.kind === 'unreachable' && r.verdict.failure === 'dns')).toBe(
      true,
    );
    expect(lookups).toBe(1);
    expect(events.filter((e) => e.kind === 'manifest')).toHaveLength(1);
    expect(sweep.results[39]?.evidence.requests).toBe(0);
    expect(sweep.results[39]?.answer).toEqual(sweep.results[0]?.answer);
    await client.sweep(probes.slice(0, 3));
    expect(lookups).toBe(2);
  });

  it('records the TLS inventory of each endpoint: subject, issuer, SANs, notAfter, the CA file that verified it', async () => {
    const e = endpoint(main.address, mainCa);
    const { client } = instrumented();
    const sweep = await client.sweep([probe(e, 'tkg/app', '1.0')]);
    const inventory = sweep.tls.get(endpointKey(e));
    expect(inventory).toMatchObject({
      trusted: true,
      verifiedBy: mainCa.certFile,
      caFiles: [mainCa.certFile],
    });
    expect(inventory?.chain[0]?.issuer).toContain('Main Test Registry CA');
    expect(inventory?.chain[0]?.sans).toEqual(['IP Address:127.0.0.1', 'DNS:registry.test']);
    expect(Date.parse(inventory?.chain[0]?.notAfter ?? '')).toBeGreaterThan(Date.now());
  });
});

describe('registry client: anonymous pull and credentials (htpasswd registry)', () => {
  it('anonymous against Basic auth is "anonymous pull refused" (REG-003), and skopeo --no-creds fails too', async () => {
    const e = endpoint(auth.address, mainCa);
    const { client, events } = instrumented();
    const sweep = await client.sweep([probe(e, 'tkg/app', '1.0'), probe(e, 'tkg/app', 'multi')]);
    expect(sweep.results.map((r) => r.verdict)).toEqual([
      { kind: 'anonymous-refused', challenge: 'basic' },
      { kind: 'anonymous-refused', challenge: 'basic' },
    ]);
    expect(verdictCode(sweep.results[0]!.verdict)).toBe('REG-003');
    expect(events).toHaveLength(2);
    const skopeo = await skopeoInspectRaw(
      { address: auth.address, certDir: mainCa.certDir },
      'tkg/app',
      '1.0',
    );
    expect(skopeo.exists).toBe(false);
  });

  it('with credentials from a docker config.json: present/absent as skopeo --creds says; secrets never in evidence', async () => {
    const e = endpoint(auth.address, mainCa);
    const authValue = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
    const credentials = parseDockerConfig(
      JSON.stringify({ auths: { [`https://${auth.address}`]: { auth: authValue } } }),
    );
    const { client, secrets } = instrumented({ credentials });
    const sweep = await client.sweep([probe(e, 'tkg/app', '1.0'), probe(e, 'tkg/app', 'multi')]);
    const target = { address: auth.address, certDir: mainCa.certDir, creds: `${USER}:${PASSWORD}` };
    for (const [i, ref] of ['1.0', 'multi'].entries()) {
      const skopeo = await skopeoInspectRaw(target, 'tkg/app', ref);
      expect(sweep.results[i]?.verdict.kind).toBe(skopeo.exists ? 'present' : 'absent');
    }
    expect(sweep.results[0]?.evidence.auth).toBe('basic');
    expect(secrets).toContain(authValue);
    const shown = JSON.stringify(sweep.results.map((r) => r.evidence));
    expect(shown).not.toContain(PASSWORD);
    expect(shown).not.toContain(authValue);
  });

  it('logs each request (kind, method, URL, status, time) and never a credential', async () => {
    const e = endpoint(auth.address, mainCa);
    const authValue = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
    const credentials = parseDockerConfig(
      JSON.stringify({ auths: { [`https://${auth.address}`]: { auth: authValue } } }),
    );
    const logFile = join(tmp.dir, 'registry.log');
    const { client, events } = instrumented({
      credentials,
      log: new Logger({ file: logFile, minLevel: 'debug' }),
    });
    await client.sweep([probe(e, 'tkg/app', '1.0'), probe(e, 'tkg/app', 'nope')]);
    const log = readFileSync(logFile, 'utf8');
    const lines = log.split('\n').filter((l) => l.includes(' registry '));
    expect(lines).toHaveLength(events.length);
    for (const ev of events) {
      expect(ev.durationMs).toBeGreaterThanOrEqual(0);
      expect(log).toMatch(
        new RegExp(`DEBUG registry ${ev.kind} ${ev.method} ${escapeRegExp(ev.url)}: ${ev.status} in \\d+ ms`),
      );
    }
    expect(log).toContain(`/v2/tkg/app/manifests/nope: 404 in`);
    expect(log).not.toContain(PASSWORD);
    expect(log).not.toContain(authValue);
  });

  it('refused credentials are REG-004, not "absent"', async () => {
    const e = endpoint(auth.address, mainCa);
    const credentials = parseDockerConfig(
      JSON.stringify({ auths: { [auth.address]: { username: USER, password: 'wrong-password' } } }),
    );
    const { client } = instrumented({ credentials });
    const sweep = await client.sweep([probe(e, 'tkg/app', '1.0')]);
    expect(sweep.results[0]?.verdict).toEqual({ kind: 'credentials-refused', status: 401 });
    expect(verdictCode(sweep.results[0]!.verdict)).toBe('REG-004');
  });
});

describe('registry client: TLS', () => {
  it('a certificate from another CA is REG-101, naming the CA file tried and the chain served', async () => {
    const { client, events } = instrumented();
    const sweep = await client.sweep([probe(endpoint(other.address, mainCa), 'tkg/app', '1.0')]);
    const verdict = sweep.results[0]?.verdict;
    expect(verdict?.kind).toBe('tls-untrusted');
    if (verdict?.kind !== 'tls-untrusted') return;
    expect(verdict.caFiles).toEqual([mainCa.certFile]);
    expect(verdict.chain[0]?.issuer).toContain('Other Test CA');
    expect(verdictCode(verdict)).toBe('REG-101');
    expect(events).toHaveLength(1);
    // With the right CA, the same registry answers, and skopeo agrees.
    const good = await instrumented().client.sweep([
      probe(endpoint(other.address, otherCa), 'tkg/app', '1.0'),
    ]);
    const skopeo = await skopeoInspectRaw(
      { address: other.address, certDir: otherCa.certDir },
      'tkg/app',
      '1.0',
    );
    expect(good.results[0]?.verdict.kind).toBe(skopeo.exists ? 'present' : 'absent');
    expect(good.tls.get(endpointKey(endpoint(other.address, otherCa)))?.verifiedBy).toBe(otherCa.certFile);
    // skip_verify accepts it and records that it did.
    const skipped = await instrumented().client.sweep([
      probe(endpoint(other.address, undefined, { skipVerify: true }), 'tkg/app', '1.0'),
    ]);
    expect(skipped.results[0]?.verdict.kind).toBe('present');
    expect([...skipped.tls.values()][0]).toMatchObject({ trusted: false, skipVerify: true });
  });

  it('an expired certificate is REG-102; one expiring in 5 days verifies and its inventory is REG-103', async () => {
    const day = 86_400_000;
    const expired = issueLeaf(mainCa, join(tmp.dir, 'expired'), {
      sans: 'IP:127.0.0.1',
      notBefore: new Date(Date.now() - 400 * day),
      notAfter: new Date(Date.now() - 10 * day),
    });
    const soon = issueLeaf(mainCa, join(tmp.dir, 'soon'), {
      sans: 'IP:127.0.0.1',
      notAfter: new Date(Date.now() + 5 * day),
    });
    const servers = await Promise.all([expired, soon].map((leaf) => startFaultServer(leaf, manifestAnswer)));
    faults.push(...servers);
    const { client } = instrumented();
    const sweep = await client.sweep(
      servers.map((s) => probe(endpoint(s.address, mainCa), 'tkg/app', '1.0')),
    );
    expect(sweep.results[0]?.verdict.kind).toBe('tls-expired');
    expect(verdictCode(sweep.results[0]!.verdict)).toBe('REG-102');
    expect(servers[0]?.requests).toEqual([]);
    expect(sweep.results[1]?.verdict.kind).toBe('present');
    const inventory = sweep.tls.get(endpointKey(endpoint(servers[1]!.address, mainCa)));
    expect(inventory && tlsExpiryVerdict(inventory, new Date())).toMatchObject({ code: 'REG-103' });
  });

  it('a certificate for another name is REG-104, with the names it has', async () => {
    const leaf = issueLeaf(mainCa, join(tmp.dir, 'mismatch'), { sans: 'DNS:elsewhere.test' });
    const server = await startFaultServer(leaf, manifestAnswer);
    faults.push(server);
    const { client } = instrumented();
    const sweep = await client.sweep([probe(endpoint(server.address, mainCa), 'tkg/app', '1.0')]);
    expect(sweep.results[0]?.verdict).toMatchObject({
      kind: 'tls-name-mismatch',
      sans: ['DNS:elsewhere.test'],
    });
    expect(verdictCode(sweep.results[0]!.verdict)).toBe('REG-104');
    expect(server.requests).toEqual([]);
  });
});

describe('registry client: pull-through cache in front of an upstream', () => {
  it('a mirror (with ?ns=) serves what the upstream holds and misses what it lacks; skopeo agrees', async () => {
    const e = endpoint(cache.address, mainCa, { ns: 'docker.io' });
    const { client, events } = instrumented();
    const sweep = await client.sweep([probe(e, 'library/nginx', '1.0'), probe(e, 'library/nginx', 'nope')]);
    expect(events[0]?.url).toBe(`https://${cache.address}/v2/library/nginx/manifests/1.0?ns=docker.io`);
    for (const [i, ref] of ['1.0', 'nope'].entries()) {
      const skopeo = await skopeoInspectRaw(
        { address: cache.address, certDir: mainCa.certDir },
        'library/nginx',
        ref,
      );
      expect(sweep.results[i]?.verdict.kind).toBe(skopeo.exists ? 'present' : 'absent');
    }
    expect(sweep.results.map((r) => r.verdict.kind)).toEqual(['present', 'absent']);
    expect(sweep.results[0]?.evidence.digest).toBe(images.get('1.0')?.digest);
  });
});

describe('registry client: faults, rate limits, unreachable, public registries', () => {
  it('5xx is REG-107; 429 with a short Retry-After is waited out; a long one is REG-106', async () => {
    let limited = 0;
    const server = await startFaultServer(mainLeaf, (req, res) => {
      if (req.url?.includes('/broken/')) {
        res.writeHead(503).end();
      } else if (req.url?.includes('/busy/') && limited++ === 0) {
        res.writeHead(429, { 'Retry-After': '2' }).end();
      } else if (req.url?.includes('/slow/')) {
        res.writeHead(429, { 'Retry-After': '600' }).end();
      } else manifestAnswer(req, res);
    });
    faults.push(server);
    const waits: number[] = [];
    const { client } = instrumented({ sleep: async (ms) => void waits.push(ms) });
    const e = endpoint(server.address, mainCa);
    const sweep = await client.sweep([
      probe(e, 'broken/app', '1'),
      probe(e, 'busy/app', '1'),
      probe(e, 'slow/app', '1'),
    ]);
    expect(sweep.results.map((r) => r.verdict)).toMatchObject([
      { kind: 'registry-error', status: 503 },
      { kind: 'present' },
      { kind: 'rate-limited', retryAfterSeconds: 600 },
    ]);
    expect(sweep.results.map((r) => verdictCode(r.verdict))).toEqual(['REG-107', 'REG-001', 'REG-106']);
    expect(waits.length).toBeGreaterThan(0);
    expect(Math.max(...waits)).toBeLessThanOrEqual(2000);
  });

  it('falls back to GET on 405 or a HEAD without a digest, and takes the sha256 of the body', async () => {
    const server = await startFaultServer(mainLeaf, (req, res) => {
      if (req.method === 'HEAD' && req.url?.includes('/nohead/')) res.writeHead(405).end();
      else if (req.method === 'HEAD') res.writeHead(200, { 'Content-Type': INDEX }).end();
      else res.writeHead(200, { 'Content-Type': INDEX }).end(BODY);
    });
    faults.push(server);
    const { client, events } = instrumented();
    const e = endpoint(server.address, mainCa);
    const sweep = await client.sweep([probe(e, 'nohead/app', '1'), probe(e, 'nodigest/app', '1')]);
    const digest = `sha256:${createHash('sha256').update(BODY).digest('hex')}`;
    expect(sweep.results.map((r) => r.verdict)).toEqual([
      { kind: 'present', digest, mediaType: INDEX },
      { kind: 'present', digest, mediaType: INDEX },
    ]);
    expect(events.map((x) => x.method)).toEqual(['HEAD', 'GET', 'HEAD', 'GET']);
  });

  it('a closed port on 127.0.0.1 is unreachable (refused), REG-105', async () => {
    const port = await freePort();
    const { client } = instrumented();
    const sweep = await client.sweep([probe(endpoint(`127.0.0.1:${port}`, mainCa), 'tkg/app', '1.0')]);
    expect(sweep.results[0]?.verdict).toMatchObject({ kind: 'unreachable', failure: 'refused' });
    expect(verdictCode(sweep.results[0]!.verdict)).toBe('REG-105');
  });

  it('never dials a public registry: judged as REG-007 with no request at all', async () => {
    const { client, events } = instrumented();
    const publicEndpoints = [
      'registry-1.docker.io',
      'gcr.io',
      'us-docker.pkg.dev',
      'quay.io',
      'ghcr.io',
      'REGISTRY.K8S.IO.',
    ];
    const sweep = await client.sweep(
      publicEndpoints.map((host) => probe({ scheme: 'https', host }, 'library/nginx', 'latest')),
    );
    expect(sweep.results.map((r) => r.verdict.kind)).toEqual(
      publicEndpoints.map(() => 'public-not-contacted'),
    );
    expect(verdictCode(sweep.results[0]!.verdict)).toBe('REG-007');
    expect(events).toEqual([]);
  });
});

describe('registry client: Bearer token flow (a challenge server like Harbor or Docker Hub)', () => {
  it('fetches one anonymous token per repository scope; 401 after it is "does not exist or needs authorization"', async () => {
    let port = 0;
    const server = await startFaultServer(mainLeaf, (req, res) => {
      const url = new URL(req.url ?? '/', 'https://x');
      if (url.pathname === '/service/token') {
        const scope = url.searchParams.get('scope') ?? '';
        if (url.searchParams.get('service') !== 'harbor-registry') return void res.writeHead(400).end();
        if (scope.includes('locked/')) return void res.writeHead(401).end();
        return void res
          .writeHead(200, { 'Content-Type': 'application/json' })
          .end(JSON.stringify({ token: `tok.${Buffer.from(scope).toString('hex')}`, expires_in: 300 }));
      }
      const repository = /^\/v2\/(.+)\/manifests\//.exec(url.pathname)?.[1] ?? '';
      const expected = `Bearer tok.${Buffer.from(`repository:${repository}:pull`).toString('hex')}`;
      if (req.headers.authorization !== expected || repository.startsWith('private/')) {
        res.writeHead(401, {
          'WWW-Authenticate': `Bearer realm="https://127.0.0.1:${port}/service/token",service="harbor-registry",scope="repository:${repository}:pull"`,
        });
        return void res.end();
      }
      manifestAnswer(req, res);
    });
    port = server.port;
    faults.push(server);
    const logFile = join(tmp.dir, 'bearer.log');
    const { client, events, secrets } = instrumented({
      log: new Logger({ file: logFile, minLevel: 'debug' }),
    });
    const e = endpoint(server.address, mainCa);
    const cases = [
      probe(e, 'public/app', '1'),
      probe(e, 'public/app', '2'),
      probe(e, 'public/other', '1'),
      probe(e, 'private/app', '1'),
      probe(e, 'locked/app', '1'),
    ];
    const sweep = await client.sweep(cases);
    expect(sweep.results.map((r) => r.verdict)).toMatchObject([
      { kind: 'present' },
      { kind: 'present' },
      { kind: 'present' },
      { kind: 'absent', reason: 'unknown-or-unauthorized' },
      { kind: 'anonymous-refused', challenge: 'bearer' },
    ]);
    expect(sweep.results.map((r) => verdictCode(r.verdict))).toEqual([
      'REG-001',
      'REG-001',
      'REG-001',
      'REG-002',
      'REG-003',
    ]);
    expect(sweep.results[0]?.evidence.auth).toBe('anonymous-token');
    // One token per repository scope; manifest requests: one per triple, plus the one 401 that taught
    // the client this endpoint's challenge (later probes authenticate up front, as containerd does).
    const tokens = events.filter((x) => x.kind === 'token');
    expect(tokens).toHaveLength(4);
    expect(sweep.counts.manifestRequests).toBeLessThanOrEqual(sweep.counts.unique + 1);
    expect(sweep.counts.manifestRequests).toBe(events.filter((x) => x.kind === 'manifest').length);
    expect(secrets.length).toBeGreaterThan(0);
    const shown = JSON.stringify(sweep.results.map((r) => r.evidence));
    for (const s of secrets) expect(shown).not.toContain(s);
    // Token requests are logged like manifest requests; the tokens themselves never are.
    const log = readFileSync(logFile, 'utf8');
    expect(log.match(/ DEBUG registry token GET /g)).toHaveLength(4);
    for (const s of secrets) expect(log).not.toContain(s);
  });
});

const INDEX = 'application/vnd.oci.image.index.v1+json';
const BODY = JSON.stringify({ schemaVersion: 2, mediaType: INDEX, manifests: [] });

/** A registry that holds every manifest asked for. */
function manifestAnswer(
  req: import('node:http').IncomingMessage,
  res: import('node:http').ServerResponse,
): void {
  const digest = `sha256:${createHash('sha256').update(BODY).digest('hex')}`;
  res.writeHead(200, {
    'Content-Type': INDEX,
    'Docker-Content-Digest': digest,
    'Content-Length': Buffer.byteLength(BODY),
  });
  res.end(req.method === 'GET' ? BODY : undefined);
}
