import { describe, expect, it } from 'vitest';
import { progressLine } from '../../src/views/progress.js';

const snapshot = {
  images: { status: 'loading', progress: { done: 1200, total: 0, failed: 0, label: 'listing pods, events' } },
  topology: { status: 'ready' },
  ipam: { status: 'not-applicable' },
  portgroups: { status: 'error', message: 'refused' },
  containerd: {
    status: 'loading',
    progress: { done: 3, total: 10, failed: 1, label: 'reading nodes over SSH 3/10' },
  },
} as const;

describe('progressLine', () => {
  it('says how far each probe is: objects listed so far, nodes read, and the finished ones', () => {
    expect(progressLine(snapshot, 200)).toBe(
      'airgap-top: images listing pods, events: 1200 read | topology ready | ipam n/a | portgroups ERROR | containerd reading nodes over SSH 3/10, 1 failed',
    );
  });

  it('adds the count when the label does not carry it, and says starting before any progress', () => {
    expect(
      progressLine(
        {
          portgroups: {
            status: 'loading',
            progress: { done: 0, total: 1, failed: 0, label: 'logging in to vCenter' },
          },
          images: { status: 'loading' },
        },
        200,
      ),
    ).toBe('airgap-top: portgroups logging in to vCenter 0/1 | images starting');
  });

  it('fits the terminal, leaving the last column free so the line never wraps', () => {
    const line = progressLine(snapshot, 40);
    expect([...line]).toHaveLength(39);
    expect(line.endsWith('…')).toBe(true);
  });
});
