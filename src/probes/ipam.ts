import type { ProbeSource } from './types.js';

// PLACEHOLDER until the ipam probe lands.
export const ipamProbe: ProbeSource = {
  id: 'ipam',
  async start(ctx) {
    ctx.store.set('ipam', { status: 'not-applicable', message: 'not implemented yet' });
  },
};
