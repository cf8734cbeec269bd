import type { ProbeId, ProbeSnapshot } from './probe.js';

export type StoreSnapshot = Readonly<Partial<Record<ProbeId, ProbeSnapshot>>>;
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

  get(id: ProbeId): ProbeSnapshot | undefined {
    return this.state[id];
  }

  set(id: ProbeId, snapshot: ProbeSnapshot): void {
    this.state = { ...this.state, [id]: snapshot };
    for (const listener of this.listeners) listener(this.state);
  }

  /** Merges fields into a probe's snapshot (e.g. progress or live state without new data). */
  patch(id: ProbeId, fields: Partial<ProbeSnapshot>): void {
    const current = this.state[id] ?? { status: 'loading' as const };
    this.set(id, { ...current, ...fields });
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
