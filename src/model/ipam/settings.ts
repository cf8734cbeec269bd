/** The tunable thresholds of the IPAM checks (`[ipam]` in the config) and their defaults. */

/** Claims and VM conditions get this long to settle before a wait becomes a problem. */
export const GRACE_MS = 10 * 60_000;
/** A pool with less than this share of free addresses warns. */
export const LOW_FREE_PERCENT = 10;

/** The tunable thresholds (`[ipam]` in the config). */
export interface IpamSettings {
  readonly graceMs: number;
  readonly lowFreePercent: number;
}

export const DEFAULT_IPAM_SETTINGS: IpamSettings = { graceMs: GRACE_MS, lowFreePercent: LOW_FREE_PERCENT };

export function ipamSettings(config: {
  readonly ipam?: { graceMinutes?: number; lowFreePercent?: number };
}): IpamSettings {
  return {
    graceMs: config.ipam?.graceMinutes !== undefined ? config.ipam.graceMinutes * 60_000 : GRACE_MS,
    lowFreePercent: config.ipam?.lowFreePercent ?? LOW_FREE_PERCENT,
  };
}
