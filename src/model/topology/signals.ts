import type { NodeRecord, NodeSignals, ReadyTransition } from './types.js';

/** Bounds of the per-node history the probe keeps from the watch. */
export const SIGNAL_LIMITS = { transitions: 64, ipChanges: 16 } as const;

export const EMPTY_SIGNALS: NodeSignals = { readyTransitions: [], ipChanges: [], droppedTransitions: 0 };

const isReady = (s: NodeRecord['ready']) => s === 'True';

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * The signals after one watch event on a node (pure). Returns the SAME object when nothing worth
 * recording happened, so the probe can tell whether to publish.
 *
 * Ready flips count only between Ready and not Ready (False and Unknown are both NotReady). When the
 * status is unchanged but the condition's lastTransitionTime moved, the kubelet flipped it at least
 * twice while we were not watching (a relist after a gap): that counts as two, marked `missed`.
 */
export function nextSignals(
  current: NodeSignals,
  previous: NodeRecord | undefined,
  next: NodeRecord | undefined,
  at: string,
): NodeSignals {
  if (!previous || !next) return current;
  const added: ReadyTransition[] = [];
  if (previous.ready !== undefined && next.ready !== undefined) {
    if (isReady(previous.ready) !== isReady(next.ready)) {
      added.push({ at, reportedAt: next.readySince, from: previous.ready, to: next.ready });
    } else if (
      previous.ready === next.ready &&
      previous.readySince &&
      next.readySince &&
      Date.parse(next.readySince) > Date.parse(previous.readySince)
    ) {
      added.push({ at, reportedAt: next.readySince, from: previous.ready, to: next.ready, missed: true });
    }
  }
  const ipChanged =
    previous.internalIPs.length > 0 &&
    next.internalIPs.length > 0 &&
    !sameList(previous.internalIPs, next.internalIPs);
  if (added.length === 0 && !ipChanged) return current;

  let readyTransitions = current.readyTransitions;
  let droppedTransitions = current.droppedTransitions;
  if (added.length > 0) {
    const all = [...readyTransitions, ...added];
    const overflow = Math.max(0, all.length - SIGNAL_LIMITS.transitions);
    droppedTransitions += overflow;
    readyTransitions = all.slice(overflow);
  }
  let ipChanges = current.ipChanges;
  if (ipChanged) {
    ipChanges = [...ipChanges, { at, from: previous.internalIPs, to: next.internalIPs }].slice(
      -SIGNAL_LIMITS.ipChanges,
    );
  }
  return { readyTransitions, ipChanges, droppedTransitions };
}

/** Ready flips inside the window ending at `now` (a `missed` entry counts two). */
export function flapsInWindow(
  signals: NodeSignals,
  now: Date,
  windowMs: number,
): { count: number; times: string[] } {
  const from = now.getTime() - windowMs;
  let count = 0;
  const times: string[] = [];
  for (const t of signals.readyTransitions) {
    const when = Date.parse(t.at);
    if (Number.isFinite(when) && when < from) continue;
    count += t.missed ? 2 : 1;
    times.push(t.at);
  }
  return { count, times };
}
