import type { ProbeProgress, ProbeSnapshot } from '../model/probe.js';
import type { StoreSnapshot } from '../model/store.js';
import { PROBE_STATUS_WORDS } from './probe-status.js';

/** How far one probe is: `listing pods 1200 read`, `reading nodes over SSH 3/10, 1 failed`, `ready`. */
export function probeProgressText(snapshot: ProbeSnapshot): string {
  if (snapshot.status !== 'loading') return PROBE_STATUS_WORDS[snapshot.status].state;
  const p = snapshot.progress;
  if (!p) return 'starting';
  return progressWords(p);
}

function progressWords(p: ProbeProgress): string {
  const label = p.label ?? 'loading';
  const failed = p.failed ? `, ${p.failed} failed` : '';
  // A label may already carry its count ("reading nodes over SSH 3/10"): it is not said twice.
  if (p.total > 0)
    return `${label}${label.includes(`${p.done}/${p.total}`) ? '' : ` ${p.done}/${p.total}`}${failed}`;
  if (p.done > 0) return `${label}: ${p.done} read${failed}`;
  return `${label}${failed}`;
}

/**
 * One line for a terminal while `report` syncs: each probe the store holds, in the order it was
 * started, with how far it got. Cut to `width` columns (the last one is left free so the cursor
 * never wraps), so it can be redrawn in place.
 */
export function progressLine(snapshot: StoreSnapshot, width: number): string {
  const parts = Object.entries(snapshot).flatMap(([id, snap]) =>
    snap ? [`${id} ${probeProgressText(snap)}`] : [],
  );
  const line = `airgap-top: ${parts.join(' | ')}`;
  const room = Math.max(10, width - 1);
  return [...line].length <= room ? line : `${[...line].slice(0, room - 1).join('')}…`;
}
