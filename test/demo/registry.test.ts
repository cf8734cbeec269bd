import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { dirname, join } from 'node:path';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoFiles } from '../../src/demo/assets.js';
import {
  DEMO_REGISTRY_NAME,
  type DemoRegistry,
  readDemoCatalog,
  registryDemoExtension,
  startDemoRegistry,
} from '../../src/demo/registry.js';
import {
  buildRegistryContent,
  catalogImageName,
  demoRepositoryOf,
  OCI_INDEX,
  OCI_MANIFEST,
  pinServedImageIds,
} from '../../src/demo/registry-content.js';
import { DEMO_CA, DEMO_DRIFT_NODE, demoNodeTrees } from '../../src/demo/ssh-nodes.js';
import type { Config } from '../../src/model/config.js';
import { parseImageRef } from '../../src/model/image-ref.js';
import { pullPlan } from '../../src/model/registry/endpoints.js';
import type { ManifestProbe, RegistryEndpoint } from '../../src/model/registry/types.js';
import { collectNode } from '../../src/probes/containerd/collect.js';
import { DirectoryFileSource } from '../../src/probes/containerd/file-source.js';
import { RegistryClient, type RequestEvent } from '../../src/probes/registry/client.js';
import { skopeoInspectRaw, tempDir } from '../helpers/registry.js';

/**
 * The demo's embedded registry (src/demo/registry.ts), asked by the project's own RegistryClient
 * the way the demo nodes' containerd configs say, by skopeo as the independent client, and checked
 * against the demo scenario: what it serves is what the pods run, what it lacks is the story.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIR = join(ROOT, 'fixtures/demo/registry');
const SCENARIO = join(ROOT, 'fixtures/demo/scenario');
const catalog = readDemoCatalog(DIR);
const content = buildRegistryContent(catalog);
const tmp = tempDir('airgap-demo-registry-');

/** registry.example.internal is 127.0.0.1 here; every other name fails, as DNS must not be asked. */
const demoLookup = ((hostname: string, options: unknown, callback: unknown) => {
  const cb = (typeof options === 'function' ? options : callback) as (...args: unknown[]) => void;
  const all = typeof options === 'object' && options !== null && (options as { all?: boolean }).all;
  if (hostname === DEMO_REGISTRY_NAME) {
    if (all) cb(null, [{ address: '127.0.0.1', family: 4 }]);
    else cb(null, '127.0.0.1', 4);
  } else {
    cb(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }));
  }
}) as unknown as LookupFunction;

/** One raw HTTPS exchange with the registry (trusting the demo CA), for what a client hides. */
function raw(
  registry: DemoRegistry,
  method: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port: registry.port,
        method,
        path,
        headers,
        ca: DEMO_CA,
        servername: DEMO_REGISTRY_NAME,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function anonymousToken(registry: DemoRegistry): Promise<string> {
  const res = await raw(registry, 'GET', '/service/token?service=harbor-registry&scope=repository:x:pull');
  return (JSON.parse(res.body.toString('utf8')) as { token: string }).token;
}

function sha256(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

interface ScenarioContainer {
  readonly pod: string;
  readonly image: string;
  readonly imageID?: string;
}

/** Every container (spec and status) of every pod in the demo scenario, timeline included. */
function scenarioContainers(): { spec: ScenarioContainer[]; status: ScenarioContainer[] } {
  const spec: ScenarioContainer[] = [];
  const status: ScenarioContainer[] = [];
  const visit = (o: unknown) => {
    if (!o || typeof o !== 'object') return;
    if (Array.isArray(o)) {
      for (const x of o) visit(x);
      return;
    }
    const obj = o as Record<string, unknown>;
    if (obj.kind === 'Pod') {
      const name = `${(obj.metadata as { namespace?: string })?.namespace}/${(obj.metadata as { name?: string })?.name}`;
      const s = (obj.spec ?? {}) as {
        containers?: { image: string }[];
        initContainers?: { image: string }[];
      };
      for (const c of [...(s.initContainers ?? []), ...(s.containers ?? [])])
        spec.push({ pod: name, image: c.image });
      const st = (obj.status ?? {}) as {
        containerStatuses?: { image: string; imageID?: string }[];
        initContainerStatuses?: { image: string; imageID?: string }[];
      };
      for (const c of [...(st.initContainerStatuses ?? []), ...(st.containerStatuses ?? [])]) {
        status.push({ pod: name, image: c.image, ...(c.imageID ? { imageID: c.imageID } : {}) });
      }
      return;
    }
    for (const v of Object.values(obj)) visit(v);
  };
  for (const f of readdirSync(SCENARIO).filter((n) => n.endsWith('.yaml'))) {
    for (const doc of yaml.loadAll(readFileSync(join(SCENARIO, f), 'utf8'))) visit(doc);
  }
  return { spec, status };
}

function servedDigest(image: string): string | undefined {
  const at = demoRepositoryOf(catalog, image);
  return at ? content.tags.get(at.repository)?.get(at.tag) : undefined;
}

describe('the demo registry content', () => {
  it('is deterministic: each digest is the sha256 of the bytes served', () => {
    const again = buildRegistryContent(readDemoCatalog(DIR));
    expect([...again.tags.entries()].map(([r, t]) => [r, [...t]])).toEqual(
      [...content.tags.entries()].map(([r, t]) => [r, [...t]]),
    );
    let manifests = 0;
    for (const byDigest of content.manifests.values()) {
      for (const [digest, m] of byDigest) {
        manifests++;
        expect(sha256(m.body)).toBe(digest);
        expect(m.digest).toBe(digest);
        expect([OCI_MANIFEST, OCI_INDEX]).toContain(m.mediaType);
        expect(JSON.parse(m.body.toString('utf8')).mediaType).toBe(m.mediaType);
      }
    }
    expect(manifests).toBeGreaterThan(catalog.images.length); // indexes add platform manifests
  });

  it('an index lists platform manifests the repository serves by digest', () => {
    const digest = content.tags.get('tkg/pause')?.get('3.10') ?? '';
    const index = content.manifests.get('tkg/pause')?.get(digest);
    expect(index?.mediaType).toBe(OCI_INDEX);
    const listed = JSON.parse(index?.body.toString('utf8') ?? '{}') as {
      manifests: { digest: string; size: number; platform: { os: string; architecture: string } }[];
    };
    expect(listed.manifests.map((m) => `${m.platform.os}/${m.platform.architecture}`)).toEqual([
      'linux/amd64',
      'linux/arm64',
    ]);
    for (const m of listed.manifests) {
      const platform = content.manifests.get('tkg/pause')?.get(m.digest);
      expect(platform?.mediaType).toBe(OCI_MANIFEST);
      expect(platform?.body.length).toBe(m.size);
    }
  });
});

describe('the demo scenario and the demo registry agree', () => {
  const { spec, status } = scenarioContainers();

  it('serves every private and mirrored image the demo pods and nodes use, except the listed missing ones', () => {
    const missing = new Set(catalog.missing.map((m) => m.image));
    const used = new Set([...spec.map((c) => c.image), `${DEMO_REGISTRY_NAME}/tkg/pause:3.10`]);
    const judged = [...used].filter((image) => demoRepositoryOf(catalog, image) !== undefined).sort();
    expect(judged.length).toBeGreaterThan(25);
    for (const image of judged) {
      expect(servedDigest(image) !== undefined, image).toBe(!missing.has(image));
    }
    // Each missing image is one the scenario uses, so the story shows.
    for (const m of catalog.missing) expect(used.has(m.image), m.image).toBe(true);
    expect([...missing].sort()).toEqual([
      'quay.io/jetstack/cert-manager-controller:v1.15.3',
      'registry.example.internal/tkg/apps/payments-ledger:1.0.4',
      'registry.example.internal/tkg/apps/payments-worker:3.2.0',
    ]);
  });

  it('every catalog entry is used by the scenario or keeps a repository known (MANIFEST_UNKNOWN, not NAME_UNKNOWN)', () => {
    const used = new Set([...spec.map((c) => c.image), `${DEMO_REGISTRY_NAME}/tkg/pause:3.10`]);
    const missingRepos = new Set(catalog.missing.map((m) => demoRepositoryOf(catalog, m.image)?.repository));
    for (const image of catalog.images) {
      const name = catalogImageName(catalog, image);
      expect(used.has(name) || missingRepos.has(image.repository), name).toBe(true);
    }
  });

  it("pins every served image's pulled imageID to the digest the registry serves", () => {
    let pinned = 0;
    for (const c of status) {
      const digest = servedDigest(c.image);
      if (!digest || !c.imageID) continue;
      pinned++;
      expect(c.imageID, `${c.pod} ${c.image}`).toBe(
        `${c.image.slice(0, c.image.lastIndexOf(':'))}@${digest}`,
      );
    }
    expect(pinned).toBeGreaterThan(90);
    // And the rewrite script would change nothing (node scripts/demo-image-ids.mjs).
    for (const f of readdirSync(SCENARIO).filter((n) => n.endsWith('.yaml'))) {
      const text = readFileSync(join(SCENARIO, f), 'utf8');
      expect(pinServedImageIds(text, catalog, content) === text, f).toBe(true);
    }
  });

  it('the images it lacks keep a digest it does not serve', () => {
    const missing = new Set(catalog.missing.map((m) => m.image));
    const lacking = status.filter((c) => missing.has(c.image) && c.imageID);
    expect(lacking.length).toBeGreaterThanOrEqual(3);
    for (const c of lacking) {
      const digest = c.imageID?.split('@')[1] ?? '';
      const repo = demoRepositoryOf(catalog, c.image)?.repository ?? '';
      expect(content.manifests.get(repo)?.has(digest) ?? false, c.image).toBe(false);
    }
  });
});

describe('the demo certificates', () => {
  const ca = new X509Certificate(readFileSync(join(DIR, 'ca.crt')));
  const server = new X509Certificate(readFileSync(join(DIR, 'server.crt')));

  it('the nodes trust the committed demo CA', () => {
    expect(DEMO_CA).toBe(readFileSync(join(DIR, 'ca.crt'), 'utf8'));
    const trees = demoNodeTrees(['n1'], DEMO_REGISTRY_NAME);
    expect(trees.n1?.[`/etc/containerd/certs.d/${DEMO_REGISTRY_NAME}/ca.crt`]).toBe(DEMO_CA);
  });

  it('the server certificate is issued by the CA for the registry name and 127.0.0.1, valid for a century', () => {
    expect(server.checkIssued(ca)).toBe(true);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.checkHost(DEMO_REGISTRY_NAME)).toBe(DEMO_REGISTRY_NAME);
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(ca.ca).toBe(true);
    expect(new Date(server.validTo).getUTCFullYear()).toBeGreaterThanOrEqual(2124);
    expect(new Date(server.validFrom).getTime()).toBeLessThanOrEqual(Date.parse('2026-01-01T00:00:00Z'));
    expect(server.checkPrivateKey(createPrivateKey(readFileSync(join(DIR, 'server.key'))))).toBe(true);
  });
});

describe('the demo registry over HTTPS', () => {
  let registry: DemoRegistry;
  let demoRealm: DemoRegistry;
  let certDir: string;
  beforeAll(async () => {
    // Realm from the Host the request came in on: the tests dial 127.0.0.1:PORT (skopeo) or the
    // registry's name at PORT (the client, with demoLookup), never port 443.
    [registry, demoRealm] = await Promise.all([
      startDemoRegistry({ dir: DIR, realm: (host) => `https://${host}/service/token` }),
      startDemoRegistry({ dir: DIR }),
    ]);
    certDir = join(tmp.dir, 'certs');
    mkdirSync(certDir);
    copyFileSync(join(DIR, 'ca.crt'), join(certDir, 'ca.crt'));
  });
  afterAll(async () => {
    await Promise.all([registry?.close(), demoRealm?.close()]);
    tmp.remove();
  });

  it('verifies as registry.example.internal against the demo CA (SNI = the name)', async () => {
    const authorized = await new Promise<boolean>((resolve, reject) => {
      const s = tls.connect({
        host: '127.0.0.1',
        port: registry.port,
        servername: DEMO_REGISTRY_NAME,
        ca: DEMO_CA,
      });
      s.once('secureConnect', () => {
        resolve(
          s.authorized && tls.checkServerIdentity(DEMO_REGISTRY_NAME, s.getPeerCertificate()) === undefined,
        );
        s.end();
      });
      s.once('error', reject);
    });
    expect(authorized).toBe(true);
  });

  it('challenges as Harbor does: the demo realm, service, and the scope on manifest requests only', async () => {
    const base = await raw(demoRealm, 'GET', '/v2/');
    expect(base.status).toBe(401);
    expect(base.headers['www-authenticate']).toBe(
      'Bearer realm="https://registry.example.internal/service/token",service="harbor-registry"',
    );
    expect(base.headers['docker-distribution-api-version']).toBe('registry/2.0');
    const manifest = await raw(demoRealm, 'HEAD', '/v2/tkg/apps/shop-cart/manifests/1.9.0');
    expect(manifest.status).toBe(401);
    expect(manifest.headers['www-authenticate']).toBe(
      'Bearer realm="https://registry.example.internal/service/token",service="harbor-registry",scope="repository:tkg/apps/shop-cart:pull"',
    );
    const forged = await raw(demoRealm, 'GET', '/v2/tkg/apps/shop-cart/manifests/1.9.0', {
      Authorization: 'Bearer not-a-token-it-issued',
    });
    expect(forged.status).toBe(401);
  });

  it('hands out anonymous tokens and answers /v2/ with one', async () => {
    const res = await raw(
      demoRealm,
      'GET',
      '/service/token?service=harbor-registry&scope=repository:tkg/etcd:pull',
    );
    expect(res.status).toBe(200);
    const body = JSON.parse(res.body.toString('utf8')) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'issued_at', 'token']);
    expect(body.access_token).toBe(body.token);
    expect(body.expires_in).toBeGreaterThan(60);
    const v2 = await raw(demoRealm, 'GET', '/v2/', { Authorization: `Bearer ${body.token}` });
    expect(v2.status).toBe(200);
    expect((await raw(demoRealm, 'GET', '/service/token?service=other')).status).toBe(400);
  });

  it('serves a manifest by tag and by digest, with the headers distribution sends; HEAD has no body', async () => {
    const token = await anonymousToken(demoRealm);
    const auth = { Authorization: `Bearer ${token}` };
    const get = await raw(demoRealm, 'GET', '/v2/tkg/etcd/manifests/v3.5.16_vmware.1', auth);
    expect(get.status).toBe(200);
    const digest = sha256(get.body);
    expect(get.headers['docker-content-digest']).toBe(digest);
    expect(get.headers['content-type']).toBe(OCI_MANIFEST);
    expect(Number(get.headers['content-length'])).toBe(get.body.length);
    const head = await raw(demoRealm, 'HEAD', '/v2/tkg/etcd/manifests/v3.5.16_vmware.1', auth);
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers['docker-content-digest']).toBe(digest);
    expect(Number(head.headers['content-length'])).toBe(get.body.length);
    const byDigest = await raw(demoRealm, 'GET', `/v2/tkg/etcd/manifests/${digest}`, auth);
    expect(byDigest.body.equals(get.body)).toBe(true);
    // A digest of another repository is not this repository's.
    const other = await raw(demoRealm, 'GET', `/v2/tkg/kube-vip/manifests/${digest}`, auth);
    expect(other.status).toBe(404);
  });

  it('says NAME_UNKNOWN, MANIFEST_UNKNOWN, and refuses what it does not serve', async () => {
    const auth = { Authorization: `Bearer ${await anonymousToken(demoRealm)}` };
    const codeOf = (b: Buffer) =>
      (JSON.parse(b.toString('utf8')) as { errors: { code: string }[] }).errors[0]?.code;
    const tag = await raw(demoRealm, 'GET', '/v2/tkg/apps/payments-ledger/manifests/1.0.4', auth);
    expect([tag.status, codeOf(tag.body)]).toEqual([404, 'MANIFEST_UNKNOWN']);
    const repo = await raw(demoRealm, 'GET', '/v2/tkg/nope/manifests/1.0', auth);
    expect([repo.status, codeOf(repo.body)]).toEqual([404, 'NAME_UNKNOWN']);
    const unmirrored = await raw(
      demoRealm,
      'GET',
      '/v2/quay-mirror/jetstack/cert-manager-controller/manifests/v1.15.3?ns=quay.io',
      auth,
    );
    expect([unmirrored.status, codeOf(unmirrored.body)]).toEqual([404, 'NAME_UNKNOWN']);
    const mirrored = await raw(
      demoRealm,
      'GET',
      '/v2/quay-mirror/prometheus/node-exporter/manifests/v1.8.2?ns=quay.io',
      auth,
    );
    expect(mirrored.headers['docker-content-digest']).toBe(
      servedDigest('quay.io/prometheus/node-exporter:v1.8.2'),
    );
    const put = await raw(demoRealm, 'PUT', '/v2/tkg/etcd/manifests/v3.5.16_vmware.1', auth);
    expect(put.status).toBe(405);
    const blob = await raw(demoRealm, 'GET', `/v2/tkg/etcd/blobs/sha256:${'0'.repeat(64)}`, auth);
    expect([blob.status, codeOf(blob.body)]).toEqual([404, 'BLOB_UNKNOWN']);
    const odd = await raw(demoRealm, 'GET', '/v2/UPPER/manifests/x', auth);
    expect(odd.status).toBe(404);
    expect(odd.body.toString('utf8')).toBe('404 page not found\n');
  });
});

describe('the demo registry, asked as each demo node would pull', () => {
  let registry: DemoRegistry;
  const nodesDir = join(tmp.dir, 'nodes');
  const events: RequestEvent[] = [];
  let client: RegistryClient;
  /** The node's endpoints for an image, from its containerd files, dialled at the registry's port. */
  let plan: (node: string, image: string) => Promise<ManifestProbe[]>;

  beforeAll(async () => {
    registry = await startDemoRegistry({ dir: DIR, realm: (host) => `https://${host}/service/token` });
    const nodes = ['md-a', DEMO_DRIFT_NODE];
    const trees = demoNodeTrees(nodes, DEMO_REGISTRY_NAME, DEMO_DRIFT_NODE);
    for (const [node, tree] of Object.entries(trees)) {
      for (const [path, data] of Object.entries(tree)) {
        const local = join(nodesDir, node, path);
        mkdirSync(dirname(local), { recursive: true });
        writeFileSync(local, data);
      }
    }
    plan = async (node, image) => {
      const record = await collectNode(new DirectoryFileSource(join(nodesDir, node)), node, 'dump');
      if (!record.view) throw new Error(`no containerd view for ${node}`);
      const p = pullPlan(record.view, parseImageRef(image), {
        // The node's own CA file, as the containerd probe collects it.
        localCaFile: (nodePath) => {
          const local = join(nodesDir, node, nodePath);
          return existsSync(local) ? local : undefined;
        },
      });
      // The first host containerd tries (the hosts.toml entry with its CA), when it is not public.
      return p.endpoints
        .slice(0, 1)
        .filter((e) => !e.public)
        .map((e) => ({
          // [registry.connect_to] stand-in: the registry's name at the demo registry's port.
          endpoint: { ...e.endpoint, port: registry.port } satisfies RegistryEndpoint,
          repository: p.repository,
          reference: p.reference,
        }));
    };
    client = new RegistryClient({ lookup: demoLookup, onRequest: (e) => events.push(e) });
  });
  afterAll(async () => {
    await registry?.close();
  });

  it('private images: present with the digest of the body, the missing tag absent, through one token each', async () => {
    const probes = [
      ...(await plan('md-a', 'registry.example.internal/tkg/kube-proxy:v1.32.4_vmware.1')),
      ...(await plan('md-a', 'registry.example.internal/tkg/apps/payments-ledger:1.0.4')),
    ];
    expect(probes.map((p) => [p.endpoint.host, p.endpoint.caFiles?.length, p.repository])).toEqual([
      [DEMO_REGISTRY_NAME, 1, 'tkg/kube-proxy'],
      [DEMO_REGISTRY_NAME, 1, 'tkg/apps/payments-ledger'],
    ]);
    const before = { ...registry.stats };
    const sweep = await client.sweep(probes);
    const [present, absent] = sweep.results;
    expect(present?.verdict).toEqual({
      kind: 'present',
      digest: servedDigest('registry.example.internal/tkg/kube-proxy:v1.32.4_vmware.1'),
      mediaType: OCI_INDEX,
    });
    expect(present?.evidence.auth).toBe('anonymous-token');
    // A HEAD answer has no body, so no error code: absent all the same (a GET names MANIFEST_UNKNOWN).
    expect(absent?.verdict).toEqual({ kind: 'absent', reason: 'not-found' });
    expect(absent?.answer).toMatchObject({ kind: 'http', status: 404, method: 'HEAD' });
    // Trusted through the node's own CA file, for the registry's own name.
    const inventory = [...sweep.tls.values()][0];
    expect(inventory?.trusted).toBe(true);
    expect(inventory?.verifiedBy).toBe(
      join(nodesDir, 'md-a', `/etc/containerd/certs.d/${DEMO_REGISTRY_NAME}/ca.crt`),
    );
    // The token flow, counted on both sides: a challenge, then one anonymous token per repository.
    expect(sweep.counts.tokenRequests).toBe(2);
    expect(registry.stats.tokenRequests - before.tokenRequests).toBe(2);
    expect(registry.stats.challenges - before.challenges).toBeGreaterThanOrEqual(1);
    expect(registry.stats.manifestRequests - before.manifestRequests).toBe(sweep.counts.manifestRequests);
    // The served digest is the sha256 of the exact bytes a GET returns.
    const getDigest = await client.sweep([
      {
        ...(probes[0] as ManifestProbe),
        reference: present?.answer.kind === 'http' ? (present.answer.digest ?? '') : '',
      },
    ]);
    expect(getDigest.results[0]?.verdict.kind).toBe('present');
  });

  it('quay.io images on a mirroring node: /v2/quay-mirror/… with ns=quay.io; the unmirrored one absent', async () => {
    const probes = [
      ...(await plan('md-a', 'quay.io/prometheus/node-exporter:v1.8.2')),
      ...(await plan('md-a', 'quay.io/jetstack/cert-manager-controller:v1.15.3')),
    ];
    events.length = 0;
    const sweep = await client.sweep(probes);
    const manifestUrls = events.filter((e) => e.kind === 'manifest').map((e) => e.url);
    expect(new Set(manifestUrls)).toEqual(
      new Set([
        `https://${DEMO_REGISTRY_NAME}:${registry.port}/v2/quay-mirror/prometheus/node-exporter/manifests/v1.8.2?ns=quay.io`,
        `https://${DEMO_REGISTRY_NAME}:${registry.port}/v2/quay-mirror/jetstack/cert-manager-controller/manifests/v1.15.3?ns=quay.io`,
      ]),
    );
    expect(sweep.results[0]?.verdict).toMatchObject({
      kind: 'present',
      digest: servedDigest('quay.io/prometheus/node-exporter:v1.8.2'),
    });
    expect(sweep.results[1]?.verdict).toEqual({ kind: 'absent', reason: 'not-found' });
    expect(registry.stats.log).toContain(
      'HEAD /v2/quay-mirror/jetstack/cert-manager-controller/manifests/v1.15.3?ns=quay.io 404',
    );
  });

  it('the drift node has no quay.io mirror: nothing to ask (it would pull from the internet)', async () => {
    expect(await plan(DEMO_DRIFT_NODE, 'quay.io/prometheus/node-exporter:v1.8.2')).toEqual([]);
  });

  it('skopeo inspect --raw agrees with the registry on the bytes and the digest', async () => {
    const target = { address: registry.address, certDir: join(tmp.dir, 'skopeo-certs') };
    mkdirSync(target.certDir, { recursive: true });
    copyFileSync(join(DIR, 'ca.crt'), join(target.certDir, 'ca.crt'));
    for (const image of [
      'registry.example.internal/tkg/etcd:v3.5.16_vmware.1',
      'registry.example.internal/tkg/pause:3.10',
      'quay.io/prometheus/node-exporter:v1.8.2',
    ]) {
      const at = demoRepositoryOf(catalog, image);
      const answer = await skopeoInspectRaw(target, at?.repository ?? '', at?.tag ?? '');
      expect(answer, image).toMatchObject({ exists: true, digest: servedDigest(image) });
    }
    for (const image of catalog.missing.map((m) => m.image)) {
      const at = demoRepositoryOf(catalog, image);
      const answer = await skopeoInspectRaw(target, at?.repository ?? '', at?.tag ?? '');
      expect(answer.exists, image).toBe(false);
      expect(answer.stderr, image).toMatch(/manifest unknown|name unknown|not found/i);
    }
  });
});

describe('registryDemoExtension', () => {
  it('starts the registry and points [registry] at it: connect_to for the name, the demo CA for the central check', async () => {
    const config = { registry: { private: ['registry.example.internal/tkg'] } } as unknown as Config;
    const result = await registryDemoExtension.setup({ config });
    try {
      const reg = result.config.registry;
      const address = reg.connectTo?.[DEMO_REGISTRY_NAME] ?? '';
      expect(address).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(reg.connectTo?.[`${DEMO_REGISTRY_NAME}:443`]).toBe(address);
      expect(reg.caFile).toBe(reg.caFiles?.[DEMO_REGISTRY_NAME]);
      expect(readFileSync(reg.caFile ?? '', 'utf8')).toBe(DEMO_CA);
      expect(reg.private).toEqual(['registry.example.internal/tkg']);
      const files = await demoFiles();
      expect(reg.caFile).toBe(join(files.registry, 'ca.crt'));
      files.close();
      // It answers there, as the registry's name.
      const [host, port] = address.split(':');
      const status = await new Promise<number>((resolve, reject) => {
        https
          .get(
            {
              host,
              port: Number(port),
              path: '/v2/',
              ca: DEMO_CA,
              servername: DEMO_REGISTRY_NAME,
              agent: false,
            },
            (res) => {
              res.resume();
              resolve(res.statusCode ?? 0);
            },
          )
          .on('error', reject);
      });
      expect(status).toBe(401);
    } finally {
      await result.close();
    }
  });
});
