import { describe, expect, it } from 'vitest';
import { openDemo } from '../../../src/cli/demo-command.js';
import { Logger } from '../../../src/core/log.js';
import { DEMO_DRIFT_NODE } from '../../../src/demo/ssh-nodes.js';
import type { ContainerdData } from '../../../src/model/containerd/types.js';

describe('airgap-top demo: simulated SSH nodes', () => {
  it('reads every Linux node of the demo over SSH; only the drifting node is flagged', async () => {
    // Its start time (the 3 s budget) is measured by `npm run bench` (scripts/bench/demo.bench.mjs).
    const demo = await openDemo({ log: new Logger(), timeline: false });
    try {
      expect(demo.config.ssh?.nodes[DEMO_DRIFT_NODE]?.address).toBe('127.0.0.1');
      await demo.session.start();
      const state = demo.session.store.get('containerd');
      const data = state?.data as ContainerdData;
      expect(state?.status).toBe('ready');
      expect(data.nodes.length).toBeGreaterThan(3);
      expect(data.nodes.filter((n) => n.failure)).toEqual([]);
      expect(data.skipped?.map((s) => s.node)).toEqual(['win-md-4j8fz']);
      const result = demo.session.results().find((r) => r.id === 'containerd');
      const nodeLevel = (result?.findings ?? [])
        .filter((f) => !f.code.startsWith('CTRD-2'))
        .map((f) => `${f.code} ${f.subject.node ?? f.subject.name}`)
        .sort();
      expect(nodeLevel).toEqual([`CTRD-001 ${DEMO_DRIFT_NODE}`, `CTRD-008 ${DEMO_DRIFT_NODE}`]);
      // Effective origin is joined with the demo's pods: quay.io images go through the mirror except on the drifting node.
      const origin = (result?.findings ?? []).filter((f) => f.code.startsWith('CTRD-2'));
      expect(origin.some((f) => f.code === 'CTRD-201')).toBe(true);
      expect(origin.some((f) => f.code === 'CTRD-202')).toBe(true);
      expect(
        origin
          .filter(
            (f) => f.code === 'CTRD-204' && f.evidence.image === 'quay.io/prometheus/node-exporter:v1.8.2',
          )
          .map((f) => f.subject.node),
      ).toEqual([DEMO_DRIFT_NODE]);
    } finally {
      await demo.close();
    }
  });
});
