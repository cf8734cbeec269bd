#!/usr/bin/env node
/**
 * Registry presence sweep: N unique images (default 2,000; --quick 200) over 3 node config groups
 * (3 endpoints: three loopback delay proxies in front of one docker-registry, each adding 10 ms per
 * direction per chunk), swept by RegistryClient against `skopeo inspect --raw` one by one (timed on
 * a sample and extrapolated), and the requests counted against (endpoint, repository, reference)
 * triples. Images are written straight into the registry's filesystem layout (pushing 2,000 with
 * skopeo would take minutes), then one is cross-checked with skopeo.
 *
 * Runs inside scripts/bench.mjs (default export) or standalone after `npm run build`:
 *   node scripts/bench/registry.bench.mjs [--quick]
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const DELAY_MS = 10;
const GROUPS = 3;
const SKOPEO_SAMPLE = 20;

export default async function registryBench(ctx = {}) {
  const root = ctx.root ?? fileURLToPath(new URL('../..', import.meta.url));
  const { RegistryClient } = await import(pathToFileURL(join(root, 'dist/probes/registry/client.js')).href);
  const count = ctx.quick ? 200 : 2000;
  const dir = mkdtempSync(join(tmpdir(), 'airgap-registry-bench-'));
  const stops = [];
  try {
    const pki = makePki(dir);
    const storage = join(dir, 'storage');
    const tags = writeImages(storage, count);
    const port = await freePort();
    stops.push(await startRegistry(dir, storage, port, pki));
    const proxies = [];
    for (let g = 0; g < GROUPS; g++) {
      const proxy = await delayProxy(port, DELAY_MS);
      stops.push(proxy.stop);
      proxies.push(proxy.port);
    }
    const probes = [];
    for (const proxyPort of proxies) {
      for (const [i, tag] of tags.entries()) {
        probes.push({
          endpoint: {
            scheme: 'https',
            host: '127.0.0.1',
            port: proxyPort,
            caFiles: [pki.ca],
            ns: 'docker.io',
          },
          repository: `bench/app${i % 50}`,
          reference: tag,
        });
      }
      // Every node of the group wants each image again: duplicates cost nothing.
      for (const [i, tag] of tags.slice(0, 100).entries()) {
        probes.push({
          endpoint: {
            scheme: 'https',
            host: '127.0.0.1',
            port: proxyPort,
            caFiles: [pki.ca],
            ns: 'docker.io',
          },
          repository: `bench/app${i % 50}`,
          reference: tag,
        });
      }
    }
    const client = new RegistryClient({ concurrency: 8 });
    const t0 = performance.now();
    const sweep = await client.sweep(probes);
    const sweepMs = performance.now() - t0;
    const present = sweep.results.filter((r) => r.verdict.kind === 'present').length;

    const certDir = join(dir, 'certdir');
    const sampleStart = performance.now();
    let skopeoPresent = 0;
    for (const [i, tag] of tags.slice(0, SKOPEO_SAMPLE).entries()) {
      const ok = await run('skopeo', [
        'inspect',
        '--raw',
        '--retry-times',
        '0',
        '--no-creds',
        '--cert-dir',
        certDir,
        `docker://127.0.0.1:${proxies[0]}/bench/app${i % 50}:${tag}`,
      ]).then(
        () => true,
        () => false,
      );
      if (ok) skopeoPresent++;
    }
    const skopeoPer = (performance.now() - sampleStart) / SKOPEO_SAMPLE;
    const skopeoTotal = skopeoPer * sweep.counts.unique;
    const nodeView = await nodeViewSweep(root, tags, proxies, pki.ca);
    return {
      name: `registry sweep: ${count} images x ${GROUPS} config groups, +${DELAY_MS} ms per direction`,
      lines: [
        `probes asked ${probes.length}, unique (endpoint, repository, reference) triples ${sweep.counts.unique}, present ${present}`,
        `requests: ${sweep.counts.manifestRequests} manifest + ${sweep.counts.tokenRequests} token (bound: triples + tokens = ${sweep.counts.unique + sweep.counts.tokenRequests})`,
        `sweep ${(sweepMs / 1000).toFixed(2)} s at concurrency 8 (${(sweepMs / sweep.counts.unique).toFixed(2)} ms per triple)`,
        `skopeo inspect --raw one by one: ${skopeoPer.toFixed(0)} ms each (sample ${SKOPEO_SAMPLE}, ${skopeoPresent} present) -> ${(skopeoTotal / 1000).toFixed(1)} s for all triples`,
        `speed-up vs skopeo one by one: ${(skopeoTotal / sweepMs).toFixed(1)}x`,
        ...nodeView,
      ],
    };
  } finally {
    for (const stop of stops.reverse()) await stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The same images as the nodes pull them: 10,000 pods on 300 nodes in 3 config groups (each group's
 * hosts.toml mirrors docker.io to its own delay proxy), through sweepPresence: planning time, the
 * sweep, requests against triples; then live mode, where one new pod appears and the presence cache
 * asks only its triple.
 */
async function nodeViewSweep(root, tags, proxies, ca) {
  const load = (p) => import(pathToFileURL(join(root, p)).href);
  const { RegistryClient } = await load('dist/probes/registry/client.js');
  const { sweepPresence } = await load('dist/probes/registry/sweep.js');
  const { planPresence } = await load('dist/model/registry/presence.js');
  const { PresenceCache } = await load('dist/model/registry/presence-cache.js');
  const NODES = 300;
  const PODS = 10_000;
  const endpoint = (url, role, caFiles) => ({
    url,
    host: url.replace(/^https:\/\//, ''),
    role,
    capabilities: ['pull', 'resolve'],
    caFiles,
    skipVerify: false,
    overridePath: false,
    clientCertificate: false,
  });
  const viewFor = (proxyPort) => ({
    version: 2,
    files: ['/etc/containerd/config.toml'],
    sandboxImage: 'registry.example.internal/pause:3.9',
    sandboxImageSource: 'config',
    configPath: '/etc/containerd/certs.d',
    legacyMirrorHosts: [],
    legacyTlsHosts: [],
    registries: [
      {
        host: 'docker.io',
        source: 'hosts.toml',
        endpoints: [
          endpoint(`https://127.0.0.1:${proxyPort}`, 'mirror', [ca]),
          endpoint('https://registry-1.docker.io', 'upstream', []),
        ],
      },
    ],
    credentials: [],
    skipVerify: [],
  });
  const nodeName = (n) => `worker-${String(n).padStart(3, '0')}`;
  const containerd = {
    source: 'ssh',
    sweptAt: new Date().toISOString(),
    durationMs: 0,
    nodes: Array.from({ length: NODES }, (_, n) => ({
      node: nodeName(n),
      target: `capv@${nodeName(n)}:22`,
      view: viewFor(proxies[n % proxies.length]),
      problems: [],
      certificates: [],
    })),
  };
  const podOf = (i, image) => ({
    uid: `u${i}`,
    namespace: 'bench',
    name: `p${i}`,
    nodeName: nodeName(i % NODES),
    workload: { kind: 'Pod', name: `p${i}` },
    containers: [{ name: 'c', kind: 'container', image }],
  });
  const pods = Array.from({ length: PODS }, (_, i) => {
    const j = i % tags.length;
    return podOf(i, `bench/app${j % 50}:${tags[j]}`);
  });
  const settings = { caFiles: {} };
  const p0 = performance.now();
  const plan = planPresence({ pods }, containerd, settings);
  const planMs = performance.now() - p0;

  const cache = new PresenceCache({ recheckMinutes: 15 });
  const client = new RegistryClient({ concurrency: 8 });
  const s0 = performance.now();
  const full = await sweepPresence({ images: { pods }, containerd, settings }, { client, cache });
  const fullMs = performance.now() - s0;
  const outcomes = {};
  for (const p of Object.values(full.images)) outcomes[p.outcome.kind] = (outcomes[p.outcome.kind] ?? 0) + 1;

  // Live: one new pod with an image nobody ran before (absent: a 404), the rest from the cache.
  const withNew = [...pods, podOf(PODS, 'bench/new-app:1.0')];
  const l0 = performance.now();
  const live = await sweepPresence(
    { images: { pods: withNew }, containerd, settings },
    { client, cache, previous: full },
  );
  const liveMs = performance.now() - l0;
  const expect = await expectListSweep(
    root,
    { pods },
    containerd,
    settings,
    tags,
    full.counts.manifestRequests,
  );
  return [
    `node view: ${PODS} pods on ${NODES} nodes in ${plan.groups.filter((g) => g.source === 'node').length} config groups -> ${plan.requests.length} (group, image) checks, ${plan.triples} triples; planning ${planMs.toFixed(0)} ms`,
    `node view sweep ${(fullMs / 1000).toFixed(2)} s: ${full.counts.manifestRequests} manifest + ${full.counts.tokenRequests} token requests (bound ${full.counts.triples + full.counts.tokenRequests}); outcomes ${JSON.stringify(outcomes)}`,
    `live: a new pod's verdict in ${liveMs.toFixed(0)} ms (${live.counts.manifestRequests} request, ${live.counts.fromCache} triples from the cache)`,
    ...expect,
  ];
}

/**
 * A 2,000-line expect list (readiness probe) checked in the same sweep as the running images: 1,800
 * lines the pods already run, 100 lines repeated, 100 images no pod runs. A fresh client and cache:
 * the list may only add the triples of its new references (100 × the groups' mirrors), nothing for
 * the lines that repeat a running image or each other.
 */
async function expectListSweep(root, images, containerd, settings, tags, podsOnlyRequests) {
  const load = (p) => import(pathToFileURL(join(root, p)).href);
  const { RegistryClient } = await load('dist/probes/registry/client.js');
  const { sweepPresence } = await load('dist/probes/registry/sweep.js');
  const { readinessExtraImages } = await load('dist/model/readiness/plan.js');
  const { parseExpectFile } = await load('dist/model/readiness/expect-files.js');
  const running = tags.slice(0, 1800).map((tag, j) => `bench/app${j % 50}:${tag}`);
  const lines = ['# bench: 2,000 expected images', ...running, ...running.slice(0, 100)];
  for (let k = 0; k < 100; k++) lines.push(`bench/expect-only${k}:1.0`);
  const set = parseExpectFile(lines.join('\n'), 'bench-expect.txt');
  const readiness = { templates: [], expectSets: [set] };
  // Sandbox images are left out: the bench nodes name a made-up registry, never resolved.
  const extraImages = readinessExtraImages(readiness, undefined, images);
  const unique = new Set(set.images.map((e) => e.image)).size;
  const client = new RegistryClient({ concurrency: 8 });
  const t0 = performance.now();
  const both = await sweepPresence({ images, containerd, settings }, { client, extraImages });
  const ms = performance.now() - t0;
  const groups = both.groups.filter((g) => g.source === 'node').length;
  const added = both.counts.manifestRequests - podsOnlyRequests;
  return [
    `expect list: ${set.images.length} lines, ${unique} unique references (100 no pod runs), in the same sweep as the pods: ${both.counts.manifestRequests} manifest requests vs ${podsOnlyRequests} for the pods alone (+${added}; the list's new references x ${groups} groups = ${100 * groups}); triples ${both.counts.triples}, bound holds: ${both.counts.manifestRequests <= both.counts.triples ? 'yes' : 'NO'}; ${(ms / 1000).toFixed(2)} s`,
  ];
}

function makePki(dir) {
  const ca = join(dir, 'ca.crt');
  const caKey = join(dir, 'ca.key');
  const crt = join(dir, 'leaf.crt');
  const key = join(dir, 'leaf.key');
  const o = (args) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  o([
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    caKey,
    '-out',
    ca,
    '-days',
    '2',
    '-subj',
    '/CN=bench CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
  ]);
  o([
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    key,
    '-out',
    join(dir, 'leaf.csr'),
    '-subj',
    '/CN=bench',
  ]);
  writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\n');
  o([
    'x509',
    '-req',
    '-in',
    join(dir, 'leaf.csr'),
    '-CA',
    ca,
    '-CAkey',
    caKey,
    '-CAcreateserial',
    '-out',
    crt,
    '-days',
    '2',
    '-extfile',
    join(dir, 'ext.cnf'),
  ]);
  mkdirSync(join(dir, 'certdir'));
  writeFileSync(join(dir, 'certdir', 'ca.crt'), execFileSync('cat', [ca]));
  return { ca, crt, key };
}

/** distribution's filesystem layout: blobs by digest, repository links to them, tags to manifests. */
function writeImages(storage, count) {
  const v2 = join(storage, 'docker/registry/v2');
  const blob = (data) => {
    const hex = createHash('sha256').update(data).digest('hex');
    const d = join(v2, 'blobs/sha256', hex.slice(0, 2), hex);
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'data'), data);
    return { digest: `sha256:${hex}`, size: data.length, hex };
  };
  const link = (path, digest) => {
    mkdirSync(path, { recursive: true });
    writeFileSync(join(path, 'link'), digest);
  };
  const tags = [];
  for (let i = 0; i < count; i++) {
    const repo = join(v2, 'repositories/bench', `app${i % 50}`);
    const layer = blob(Buffer.from(`layer ${i}`));
    const config = blob(
      Buffer.from(
        JSON.stringify({
          architecture: 'amd64',
          os: 'linux',
          rootfs: { type: 'layers', diff_ids: [layer.digest] },
        }),
      ),
    );
    const manifest = blob(
      Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          config: {
            mediaType: 'application/vnd.oci.image.config.v1+json',
            digest: config.digest,
            size: config.size,
          },
          layers: [
            { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layer.digest, size: layer.size },
          ],
        }),
      ),
    );
    for (const b of [layer, config]) link(join(repo, '_layers/sha256', b.hex), b.digest);
    link(join(repo, '_manifests/revisions/sha256', manifest.hex), manifest.digest);
    const tag = `v${i}`;
    link(join(repo, '_manifests/tags', tag, 'current'), manifest.digest);
    link(join(repo, '_manifests/tags', tag, 'index/sha256', manifest.hex), manifest.digest);
    tags.push(tag);
  }
  return tags;
}

async function startRegistry(dir, storage, port, pki) {
  const config = join(dir, 'config.yml');
  writeFileSync(
    config,
    [
      'version: 0.1',
      'log:',
      '  level: error',
      '  accesslog:',
      '    disabled: true',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${storage}`,
      'http:',
      `  addr: 127.0.0.1:${port}`,
      '  tls:',
      `    certificate: ${pki.crt}`,
      `    key: ${pki.key}`,
      '',
    ].join('\n'),
  );
  const child = spawn('docker-registry', ['serve', config], { stdio: 'ignore' });
  // Not installed (a fresh machine before scripts/setup.sh): this module fails with why, the others run.
  await new Promise((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (err) =>
      reject(
        new Error(
          err.code === 'ENOENT'
            ? 'docker-registry is not installed (Debian package docker-registry: bash scripts/setup.sh)'
            : `docker-registry: ${err.message}`,
        ),
      ),
    );
  });
  let up = false;
  for (let i = 0; i < 300 && !up && child.exitCode === null; i++) {
    up = await new Promise((resolve) => {
      const req = https.get({ host: '127.0.0.1', port, path: '/v2/', rejectUnauthorized: false }, (res) => {
        res.resume();
        resolve(true);
      });
      req.on('error', () => resolve(false));
    });
    if (!up) await new Promise((r) => setTimeout(r, 50));
  }
  if (!up) {
    child.kill('SIGTERM');
    throw new Error(
      `docker-registry did not answer on 127.0.0.1:${port} (exit code ${child.exitCode ?? 'none yet'})`,
    );
  }
  return () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
}

/** A loopback TCP proxy that delays every chunk by `ms` in each direction (network latency). */
async function delayProxy(targetPort, ms) {
  const sockets = new Set();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    client.on('data', (d) => setTimeout(() => upstream.write(d), ms));
    upstream.on('data', (d) => setTimeout(() => client.write(d), ms));
    client.on('end', () => setTimeout(() => upstream.end(), ms));
    upstream.on('end', () => setTimeout(() => client.end(), ms));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: server.address().port,
    stop: () =>
      new Promise((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await registryBench({ quick: process.argv.includes('--quick') });
  console.log(`== ${result.name}`);
  for (const line of result.lines) console.log(`  ${line}`);
}
