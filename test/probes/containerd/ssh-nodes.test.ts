import { createServer } from 'node:net';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  demoNodeTrees,
  generateEd25519KeyPair,
  type SimulatedSshNodes,
  sshConfigFor,
  startSshNodes,
} from '../../../src/demo/ssh-nodes.js';
import { evaluateContainerd } from '../../../src/model/containerd/evaluate.js';
import type { ImagesData } from '../../../src/model/images/types.js';
import { sweepNodes } from '../../../src/probes/containerd/index.js';

const NODES = ['cp-1', 'md-1', 'md-2', 'md-3'];
const noResolve = async (): Promise<string[]> => [];

describe('generateEd25519KeyPair', () => {
  // ssh2 writes a 31-byte public key for 1 pair in 256; 2,000 draws hit that ~8 times, so a
  // helper that passed ssh2's pairs through unchecked fails here almost surely (p ~ 4e-4).
  it('every pair parses back, private and public, across 2,000 draws', () => {
    for (let i = 0; i < 2000; i++) {
      const pair = generateEd25519KeyPair();
      const parsed = ssh2.utils.parseKey(pair.private);
      if (parsed instanceof Error) throw new Error(`draw ${i}: ${parsed.message}`);
      const key = Array.isArray(parsed) ? parsed[0] : parsed;
      expect(key?.getPublicSSH().length).toBe(4 + 11 + 4 + 32);
    }
  });
});

describe('simulated SSH nodes (in-process ssh2 server, SFTP only)', () => {
  let server: SimulatedSshNodes;
  beforeAll(async () => {
    server = await startSshNodes({ trees: demoNodeTrees(NODES, 'registry.example.internal', 'md-3') });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('serves every node to the real probe; the drifting node is the only one flagged', async () => {
    const { ssh, cleanup } = sshConfigFor(server);
    try {
      const targets = NODES.map((node) => ({ node, host: '127.0.0.1', port: server.port, user: node }));
      const nodes = await sweepNodes(targets, ssh, { resolve: noResolve });
      expect(nodes.map((n) => n.failure?.message ?? 'ok')).toEqual(['ok', 'ok', 'ok', 'ok']);
      const images: ImagesData = {
        pods: ['md-1', 'md-3'].map((node) => ({
          uid: node,
          namespace: 'monitoring',
          name: `node-exporter-${node}`,
          nodeName: node,
          workload: { kind: 'DaemonSet', name: 'node-exporter' },
          containers: [
            {
              name: 'exporter',
              kind: 'container' as const,
              image: 'quay.io/prometheus/node-exporter:v1.8.2',
            },
          ],
        })),
      };
      const findings = evaluateContainerd(
        { source: 'ssh', nodes, sweptAt: '', durationMs: 0 },
        images,
        ['registry.example.internal'],
        new Date('2026-11-22T00:00:00Z'),
      );
      expect(findings.map((f) => `${f.code} ${f.subject.node ?? f.subject.name}`).sort()).toEqual([
        'CTRD-001 md-3',
        'CTRD-008 md-3',
        'CTRD-202 md-1',
        'CTRD-203 md-1',
        'CTRD-204 md-3',
      ]);
      expect(nodes[0]?.certificates[0]?.status).toBe('ok');
    } finally {
      cleanup();
    }
  });

  it('refuses shells and unknown users', async () => {
    const { ssh, cleanup } = sshConfigFor(server);
    try {
      const [unknown] = await sweepNodes(
        [{ node: 'nobody', host: '127.0.0.1', port: server.port, user: 'nobody' }],
        ssh,
        {
          resolve: noResolve,
        },
      );
      expect(unknown?.failure?.kind).toBe('auth-refused');
      const client = new ssh2.Client();
      const refused = await new Promise<string>((resolve, reject) => {
        client.on('ready', () =>
          client.exec('cat /etc/containerd/config.toml', (err) => resolve(err ? err.message : 'ran')),
        );
        client.on('error', reject);
        client.connect({
          host: '127.0.0.1',
          port: server.port,
          username: 'cp-1',
          privateKey: server.clientPrivateKey,
        });
      });
      client.end();
      expect(refused).not.toBe('ran');
    } finally {
      cleanup();
    }
  });

  it('a node that stalls after login is cut at the read timeout; a silent port at the connect timeout', async () => {
    const slow = await startSshNodes({
      trees: demoNodeTrees(['slow'], 'registry.example.internal'),
      // Every SFTP answer takes 3 s: unbounded, a node's handful of requests would take 15 s or more.
      latencyMs: 3000,
    });
    const silent = createServer(() => {}); // accepts TCP, never speaks SSH
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const silentPort = (silent.address() as { port: number }).port;
    const { ssh, cleanup } = sshConfigFor(slow, { readTimeoutSeconds: 1, connectTimeoutSeconds: 3 });
    try {
      const t0 = Date.now();
      const [stalled, mute] = await sweepNodes(
        [
          { node: 'slow', host: '127.0.0.1', port: slow.port, user: 'slow' },
          { node: 'mute', host: '127.0.0.1', port: silentPort, user: 'mute' },
        ],
        ssh,
        { resolve: noResolve },
      );
      expect(stalled?.failure?.kind).toBe('timeout');
      expect(mute?.failure).toMatchObject({ kind: 'unreachable' });
      expect(mute?.failure?.message).toContain('no SSH handshake within 3s');
      // Both are cut by their timeouts (3 s connect, 1 s read), far below the unbounded 15 s; the
      // margin is for a loaded CI machine, whose slow handshake must not pass for a dead port.
      expect(Date.now() - t0).toBeLessThan(10_000);
    } finally {
      cleanup();
      silent.close();
      await slow.close();
    }
  });
});
