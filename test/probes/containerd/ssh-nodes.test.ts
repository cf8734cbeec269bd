import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  demoNodeTrees,
  type SimulatedSshNodes,
  sshConfigFor,
  startSshNodes,
} from '../../../src/demo/ssh-nodes.js';
import { evaluateContainerd } from '../../../src/model/containerd/evaluate.js';
import type { ImagesData } from '../../../src/model/images/types.js';
import { sweepNodes } from '../../../src/probes/containerd/index.js';

const NODES = ['cp-1', 'md-1', 'md-2', 'md-3'];
const noResolve = async (): Promise<string[]> => [];

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
});
