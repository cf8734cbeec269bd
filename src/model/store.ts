import type { ProbeId, ProbeSnapshot } from './probe.js';
import type { ProbeDataMap } from './probe-data.js';

/** Every probe's latest snapshot, typed by what that probe publishes. */
export type StoreSnapshot = { readonly [K in ProbeId]?: ProbeSnapshot<ProbeDataMap[K]> };
type Listener = (snapshot: StoreSnapshot) => void;

/**
 * Holds the latest snapshot of every probe. Probes write, screens and reports read.
 * Each write makes a new top-level object so consumers can compare by identity.
 */
export class Store {
  private state: StoreSnapshot = {};
  private readonly listeners = new Set<Listener>();

  get snapshot(): StoreSnapshot {
    return this.state;
  }

  get<K extends ProbeId>(id: K): ProbeSnapshot<ProbeDataMap[K]> | undefined {
    return this.state[id] as ProbeSnapshot<ProbeDataMap[K]> | undefined;
  }

  set<K extends ProbeId>(id: K, snapshot: ProbeSnapshot<ProbeDataMap[K]>): void {
    this.state = { ...this.state, [id]: snapshot };
    for (const listener of this.listeners) listener(this.state);
  }

  /** Merges fields into a probe's snapshot (e.g. progress or live state without new data). */
  patch<K extends ProbeId>(id: K, fields: Partial<ProbeSnapshot<ProbeDataMap[K]>>): void {
    const current = this.get(id) ?? { status: 'loading' as const };
    this.set(id, { ...current, ...fields });
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
