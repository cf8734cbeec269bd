#!/usr/bin/env node
/**
 * SSH sweep: 200 nodes served by the in-process ssh2 server (src/demo/ssh-nodes.ts) with latency
 * added to every SFTP answer (a WAN link to a remote site), swept by the real probe code at the
 * default [ssh] concurrency against a one-by-one loop over the same nodes. Same machine, same run.
 *
 * Runs inside scripts/bench.mjs (default export) or standalone: node scripts/bench/ssh.bench.mjs [--quick]
 */
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

async function load() {
  const base = new URL('../../dist/', import.meta.url);
  const [nodesMod, probe, config] = await Promise.all([
    import(new URL('demo/ssh-nodes.js', base).href),
    import(new URL('probes/containerd/index.js', base).href),
    import(new URL('model/config.js', base).href),
  ]);
  return { ...nodesMod, ...probe, DEFAULT_SSH: config.DEFAULT_SSH };
}

export default async function sshBench(ctx = {}) {
  const quick = Boolean(ctx.quick);
  const nodeCount = quick ? 40 : 200;
  const latencyMs = 5;
  const m = await load();
  const names = Array.from({ length: nodeCount }, (_, i) => `node-${String(i).padStart(3, '0')}`);
  const server = await m.startSshNodes({
    trees: m.demoNodeTrees(names, 'registry.example.internal', names[names.length - 1]),
    latencyMs,
  });
  const { ssh, cleanup } = m.sshConfigFor(server);
  const targets = names.map((node) => ({ node, host: '127.0.0.1', port: server.port, user: node }));
  const resolve = async () => [];
  try {
    const sweep = async (concurrency) => {
      const before = server.stats.requests;
      const t0 = performance.now();
      const records = await m.sweepNodes(targets, { ...ssh, concurrency }, { resolve });
      const ms = performance.now() - t0;
      const failed = records.filter((r) => r.failure).length;
      return { ms, failed, requests: server.stats.requests - before };
    };
    const concurrent = await sweep(m.DEFAULT_SSH.concurrency);
    const serial = await sweep(1);
    const perNode = (r) => (r.ms / nodeCount).toFixed(1);
    return {
      name: 'ssh',
      lines: [
        `${nodeCount} nodes, ${latencyMs} ms added per SFTP answer, ${(concurrent.requests / nodeCount).toFixed(1)} SFTP requests per node`,
        `concurrency ${m.DEFAULT_SSH.concurrency} (default): ${concurrent.ms.toFixed(0)} ms (${perNode(concurrent)} ms/node), ${concurrent.failed} failed`,
        `one by one:            ${serial.ms.toFixed(0)} ms (${perNode(serial)} ms/node), ${serial.failed} failed`,
        `ratio: the bounded-concurrency sweep is ${(serial.ms / concurrent.ms).toFixed(1)}x faster`,
      ],
    };
  } finally {
    cleanup();
    await server.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await sshBench({ quick: process.argv.includes('--quick') });
  console.log(`# ${result.name}`);
  for (const l of result.lines) console.log(l);
}
