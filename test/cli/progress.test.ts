import { describe, expect, it } from 'vitest';
import { showProgress } from '../../src/cli/progress.js';
import { Store } from '../../src/model/store.js';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { isTTY, columns: 120, writes, write: (t: string) => writes.push(t) };
}

describe('showProgress', () => {
  it('writes nothing at all when stderr is not a terminal', () => {
    const store = new Store();
    const stream = fakeStream(false);
    const stop = showProgress(store, stream, { enabled: true, env: {} });
    store.set('images', {
      status: 'loading',
      progress: { done: 5, total: 0, failed: 0, label: 'listing pods' },
    });
    stop();
    expect(stream.writes).toEqual([]);
  });

  it('writes nothing when disabled (-v echoes the log there) or TERM is dumb', () => {
    const store = new Store();
    store.set('images', { status: 'loading' });
    for (const [enabled, env] of [
      [false, {}],
      [true, { TERM: 'dumb' }],
    ] as const) {
      const stream = fakeStream(true);
      showProgress(store, stream, { enabled, env })();
      expect(stream.writes).toEqual([]);
    }
  });

  it('on a terminal, redraws one line in place and clears it when done', async () => {
    const store = new Store();
    store.set('images', { status: 'loading' });
    const stream = fakeStream(true);
    const stop = showProgress(store, stream, { enabled: true, env: {} });
    expect(stream.writes).toEqual(['\r\x1b[2Kairgap-top: images starting']);
    store.patch('images', { progress: { done: 500, total: 0, failed: 0, label: 'listing pods' } });
    await new Promise<void>((resolve) => {
      const poll = () => (stream.writes.length > 1 ? resolve() : setTimeout(poll, 10));
      poll();
    });
    stop();
    expect(stream.writes).toEqual([
      '\r\x1b[2Kairgap-top: images starting',
      '\r\x1b[2Kairgap-top: images listing pods: 500 read',
      '\r\x1b[2K',
    ]);
  });
});
