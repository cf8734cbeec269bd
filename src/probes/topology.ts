import type { ProbeSource } from './types.js';

// PLACEHOLDER until the topology probe lands.
export const topologyProbe: ProbeSource = {
  id: 'topology',
  async start(ctx) {
    ctx.store.set('topology', { status: 'not-applicable', message: 'not implemented yet' });
  },
};
