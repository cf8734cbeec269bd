import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session } from '../../src/app/session.js';
import { Logger } from '../../src/core/log.js';
import { DEFAULT_CONFIG } from '../../src/model/config.js';
import type { SimulatorHandle } from '../../src/sim/handle.js';
import { startTestSimulator } from '../helpers/simulator.js';

const POD = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'shop', uid: 'u-web' },
  spec: { nodeName: 'n1', containers: [{ name: 'web', image: 'registry.example.internal/tkg/web:1.0' }] },
  status: { phase: 'Running' },
};

describe('Session.report', () => {
  let sim: SimulatorHandle;
  let session: Session;

  beforeAll(async () => {
    sim = await startTestSimulator([POD]);
    session = await Session.open({
      kubeconfig: sim.kubeconfigPath,
      config: { ...DEFAULT_CONFIG, registry: { private: ['registry.example.internal/tkg'] } },
      log: new Logger(),
      live: false,
    });
    await session.start();
  });

  afterAll(async () => {
    session?.close();
    await sim?.close();
  });

  it('gives each synced probe its duration since the probes started (the TUI export builds the same report)', () => {
    const report = session.report();
    const images = report.probes.find((p) => p.id === 'images');
    expect(images?.status).toBe('ready');
    expect(images?.durationSeconds).toEqual(expect.any(Number));
    expect(images?.durationSeconds).toBeGreaterThanOrEqual(0);
    expect(report.cluster).toEqual({ context: session.kube.contextName, server: sim.url });
  });

  it('names the cluster a dump came from instead of the local simulator', () => {
    const report = session.report(new Date(), { context: 'prod-east', server: 'https://10.1.2.3:6443' });
    expect(report.cluster).toEqual({ context: 'prod-east', server: 'https://10.1.2.3:6443' });
  });
});
