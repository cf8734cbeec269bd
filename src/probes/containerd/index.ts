import type { ProbeSource } from '../types.js';

// PLACEHOLDER until the containerd probe lands.
export const containerdProbe: ProbeSource = {
  id: 'containerd',
  async start(ctx) {
    ctx.store.set('containerd', { status: 'not-applicable', message: 'not implemented yet' });
  },
};
