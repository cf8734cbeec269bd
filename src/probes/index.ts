import { containerdProbe } from './containerd/index.js';
import { imagesProbe } from './images.js';
import { ipamProbe } from './ipam.js';
import { topologyProbe } from './topology.js';
import type { ProbeSource } from './types.js';
import { portgroupsProbe } from './vsphere/index.js';

/** Every probe source, in screen order. */
export const PROBES: readonly ProbeSource[] = [
  imagesProbe,
  topologyProbe,
  ipamProbe,
  portgroupsProbe,
  containerdProbe,
];
