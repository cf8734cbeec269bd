import type { Store } from '../model/store.js';
import { progressLine } from '../views/progress.js';

/** Redraws at most this often: a flood of pages must not flood the terminal. */
const REDRAW_MS = 100;
const CLEAR_LINE = '\r\x1b[2K';

export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

/**
 * `report` on a terminal: one line on stderr, redrawn in place, saying how far each probe is
 * (objects listed so far, nodes read). Nothing at all when stderr is not a terminal (a CI log or a
 * file gets only real messages), when TERM is dumb, or when the log is echoed there (-v). Returns
 * the function that clears the line and stops.
 */
export function showProgress(
  store: Store,
  stream: ProgressStream,
  options: { readonly enabled: boolean; readonly env?: NodeJS.ProcessEnv },
): () => void {
  const env = options.env ?? process.env;
  if (!options.enabled || stream.isTTY !== true || env.TERM === 'dumb') return () => {};
  let shown = '';
  let timer: NodeJS.Timeout | undefined;
  const draw = (): void => {
    timer = undefined;
    const line = progressLine(store.snapshot, stream.columns ?? 80);
    if (line === shown) return;
    shown = line;
    stream.write(`${CLEAR_LINE}${line}`);
  };
  const unsubscribe = store.subscribe(() => {
    timer ??= setTimeout(draw, REDRAW_MS);
  });
  draw();
  return () => {
    unsubscribe();
    if (timer) clearTimeout(timer);
    if (shown) stream.write(CLEAR_LINE);
  };
}
