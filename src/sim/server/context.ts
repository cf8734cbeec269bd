import type { ApiObjects } from '../api.js';
import type { Faults } from '../faults.js';
import type { ResourceRegistry } from '../resources.js';
import type { ObjectStore } from '../store.js';
import type { ListSnapshots } from './list.js';

/** What the request handlers (route, list, watch, writes, discovery) need of the running simulator. */
export interface SimContext {
  readonly registry: ResourceRegistry;
  readonly store: ObjectStore;
  readonly api: ApiObjects;
  readonly faults: Faults;
  /** https://127.0.0.1:PORT once listening. */
  readonly url: string;
  /** Lists paged with limit/continue, kept so later pages read the same snapshot. */
  readonly snapshots: ListSnapshots;
  /** Closes an open watch; the simulator closes them all on close(). */
  readonly watchClosers: Set<() => void>;
  readonly bookmarkIntervalMs: number;
}
