import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Collection } from '../../src/probes/kube/collection.js';
import { loadKubeConnection } from '../../src/probes/kube/connection.js';

/**
 * A list server whose every page sends its head (the list's metadata) at once and the rest of the
 * body `pauseMs` later, as a large page over a slow link arrives. `lie` makes a page's head name a
 * continue token its parsed body does not (a duplicate "metadata" key: JSON.parse keeps the last).
 */
interface PageServer {
  readonly kubeconfigPath: string;
  readonly log: { token: string; arrived: number; ended?: number }[];
  close(): Promise<void>;
}

/** A kubeconfig in `dir` naming the loopback HTTP server with a test token. */
function writeKubeconfig(dir: string, server: Server): string {
  const path = join(dir, 'kubeconfig');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  writeFileSync(
    path,
    `apiVersion: v1\nkind: Config\nclusters:\n- name: s\n  cluster:\n    server: ${url}\n    insecure-skip-tls-verify: true\nusers:\n- name: u\n  user:\n    token: t0ken-for-tests\ncontexts:\n- name: c\n  context:\n    cluster: s\n    user: u\ncurrent-context: c\n`,
    { mode: 0o600 },
  );
  return path;
}

async function pageServer(
  names: string[],
  pageSize: number,
  pauseMs: number,
  lie = false,
): Promise<PageServer> {
  const log: PageServer['log'] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const token = url.searchParams.get('continue') ?? '';
    const entry: PageServer['log'][number] = { token, arrived: performance.now() };
    log.push(entry);
    const offset = token ? Number(token.slice(1)) : 0;
    const items = names.slice(offset, offset + pageSize).map((name) => ({ metadata: { name, uid: name } }));
    const next = offset + pageSize < names.length ? `o${offset + pageSize}` : '';
    const meta = (t: string) =>
      JSON.stringify(t ? { resourceVersion: '7', continue: t } : { resourceVersion: '7' });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write(
      `{"kind":"PodList","apiVersion":"v1","metadata":${meta(lie && next ? 'o-guess' : next)},"items":`,
    );
    setTimeout(() => {
      res.end(`${JSON.stringify(items)}${lie ? `,"metadata":${meta(next)}` : ''}}`);
      entry.ended = performance.now();
    }, pauseMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const dir = mkdtempSync(join(tmpdir(), 'airgap-top-pages-'));
  const kubeconfigPath = writeKubeconfig(dir, server);
  return {
    kubeconfigPath,
    log,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const NAMES = Array.from({ length: 9 }, (_, i) => `pod-${i}`);
let open: PageServer | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
});

async function listAll(server: PageServer): Promise<string[]> {
  const kube = loadKubeConnection({ kubeconfig: server.kubeconfigPath });
  const pods = new Collection(kube, {
    path: '/api/v1/pods',
    pageSize: 2,
    transform: (o) => o.metadata?.name,
  });
  try {
    pods.start({ watch: false });
    await pods.firstSync;
    expect(pods.status).toBe('ready');
    return pods.values();
  } finally {
    pods.stop();
    kube.close();
  }
}

describe('list pages are asked one ahead, from the head of the page before', () => {
  it('each next page is asked while the page before is still arriving; every object once', async () => {
    open = await pageServer(NAMES, 2, 150);
    expect((await listAll(open)).sort()).toEqual([...NAMES].sort());
    const { log } = open;
    expect(log.map((e) => e.token)).toEqual(['', 'o2', 'o4', 'o6', 'o8']);
    // Pages overlap: a next page reached the server while the page before was still arriving
    // (asked in turn, none would: each waits for the page before to be read).
    const overlapped = log.filter((e, k) => k > 0 && e.arrived < (log[k - 1]?.ended ?? -Infinity));
    expect(overlapped.length).toBeGreaterThanOrEqual(2);
    // ...but one ahead at most: page k+2 is asked only once page k is complete and read.
    for (let k = 2; k < log.length; k++)
      expect(log[k]?.arrived ?? -Infinity).toBeGreaterThanOrEqual(log[k - 2]?.ended ?? Infinity);
  });

  it('a head that names another token than its parsed page: the guess is dropped, the real token asked', async () => {
    open = await pageServer(NAMES, 2, 20, true);
    expect((await listAll(open)).sort()).toEqual([...NAMES].sort());
    const tokens = open.log.map((e) => e.token);
    // Each page's guess was asked (and cancelled), and each real token after it.
    for (const real of ['o2', 'o4', 'o6', 'o8']) expect(tokens).toContain(real);
    expect(tokens.filter((t) => t === 'o-guess').length).toBeGreaterThan(0);
  });
});

describe('a list body is decoded as it arrives', () => {
  it('characters cut between chunks arrive whole (UTF-8 decoded across chunk edges)', async () => {
    // Three- and four-byte characters, sent 5 bytes at a time: most chunk edges fall inside one.
    const names = ['zo\u20ac\u20ac\u20ac-\u{1F600}\u{1F600}', 'caf\u00e9-\u00e9\u00e9\u00e9\u00e9', 'plain'];
    const body = Buffer.from(
      JSON.stringify({
        kind: 'PodList',
        apiVersion: 'v1',
        metadata: { resourceVersion: '7' },
        items: names.map((name) => ({ metadata: { name, uid: name } })),
      }),
    );
    const server: Server = createServer(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      for (let at = 0; at < body.length; at += 5) {
        res.write(body.subarray(at, at + 5));
        await new Promise((r) => setTimeout(r, 1));
      }
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const dir = mkdtempSync(join(tmpdir(), 'airgap-top-utf8-'));
    try {
      const kubeconfig = writeKubeconfig(dir, server);
      const kube = loadKubeConnection({ kubeconfig });
      const pods = new Collection(kube, { path: '/api/v1/pods', transform: (o) => o.metadata?.name });
      try {
        pods.start({ watch: false });
        await pods.firstSync;
        expect(pods.error).toBeUndefined();
        expect(pods.status).toBe('ready');
        expect(pods.values().sort()).toEqual([...names].sort());
      } finally {
        pods.stop();
        kube.close();
      }
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
