import type { ProbeSource } from './types.js';

// PLACEHOLDER until the images probe lands.
export const imagesProbe: ProbeSource = {
  id: 'images',
  async start(ctx) {
    ctx.store.set('images', { status: 'not-applicable', message: 'not implemented yet' });
  },
};
