import type { ProbeSource } from '../types.js';

// PLACEHOLDER until the portgroups probe lands.
export const portgroupsProbe: ProbeSource = {
  id: 'portgroups',
  async start(ctx) {
    ctx.store.set('portgroups', { status: 'not-applicable', message: 'not implemented yet' });
  },
};
