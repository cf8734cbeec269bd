import { combineLive } from '../../model/live.js';
import type { LiveState, ProbeProgress } from '../../model/probe.js';
import type { Collection } from './collection.js';

/** What a probe reads of a collection to say how it is doing, whatever the record type. */
export type CollectionState = Pick<Collection<unknown>, 'status' | 'live' | 'updatedAt' | 'listed' | 'path'>;

type Named = readonly (readonly [string, CollectionState | undefined])[];

/** The probe's UPDATED: the last successful list or event of any of its collections, never a retry. */
export function lastUpdate(collections: Named): string | undefined {
  let latest: Date | undefined;
  for (const [, c] of collections) {
    if (c?.updatedAt && (!latest || c.updatedAt > latest)) latest = c.updatedAt;
  }
  return latest?.toISOString();
}

/** One live state for the probe: the worst of its collections', naming which. */
export function probeLive(collections: Named): LiveState {
  return combineLive(collections.flatMap(([name, c]) => (c ? [[name, c.live] as const] : [])));
}

/** While the first list runs: which collections are still listing and how many objects were read. */
export function listingProgress(collections: Named): ProbeProgress | undefined {
  const loading = collections.filter(
    (e): e is readonly [string, CollectionState] => e[1] !== undefined && e[1].status === 'loading',
  );
  if (loading.length === 0) return undefined;
  return {
    done: loading.reduce((n, [, c]) => n + c.listed, 0),
    total: 0,
    failed: 0,
    label: `listing ${loading.map(([name]) => name).join(', ')}`,
  };
}
