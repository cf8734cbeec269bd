import type { ContainerdData } from './containerd/types.js';
import type { ImagesData } from './images/types.js';
import type { IpamData } from './ipam/types.js';
import type { PortgroupsData } from './portgroups/types.js';
import type { ReadinessData } from './readiness/types.js';
import type { PresenceData } from './registry/presence.js';
import type { TopologyData } from './topology/types.js';

/**
 * The slim records each probe publishes: the store, evaluators and views are typed by it, so
 * nobody casts `data`. A probe missing here fails to compile (the store indexes this map by ProbeId).
 */
export interface ProbeDataMap {
  readonly images: ImagesData;
  readonly topology: TopologyData;
  readonly ipam: IpamData;
  readonly portgroups: PortgroupsData;
  readonly containerd: ContainerdData;
  readonly registry: PresenceData;
  readonly readiness: ReadinessData;
}
