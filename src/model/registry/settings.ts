import type { RegistryConfig } from '../config.js';

/** What the presence sweep runs with, defaults applied. */
export interface RegistryCheckSettings {
  readonly enabled: boolean;
  readonly concurrency: number;
  readonly timeoutSeconds: number;
  readonly recheckMinutes: number;
  readonly credentialsFile?: string;
  readonly caFile?: string;
  readonly caFiles: Readonly<Record<string, string>>;
  /**
   * The only registry hosts (`host[:port]`, lower-case, default port left out) the sweep may dial:
   * those of [registry] private and [registry.connect_to]. Undefined: every non-public host.
   */
  readonly dialable?: readonly string[];
}

export const REGISTRY_CHECK_DEFAULTS = { concurrency: 8, timeoutSeconds: 10, recheckMinutes: 15 } as const;

/** The sweep's settings: `check` defaults to on exactly when a private registry is configured. */
export function registryCheckSettings(registry: RegistryConfig): RegistryCheckSettings {
  return {
    enabled: registry.check ?? registry.private.length > 0,
    concurrency: registry.concurrency ?? REGISTRY_CHECK_DEFAULTS.concurrency,
    timeoutSeconds: registry.timeoutSeconds ?? REGISTRY_CHECK_DEFAULTS.timeoutSeconds,
    recheckMinutes: registry.recheckMinutes ?? REGISTRY_CHECK_DEFAULTS.recheckMinutes,
    ...(registry.credentialsFile !== undefined ? { credentialsFile: registry.credentialsFile } : {}),
    ...(registry.caFile !== undefined ? { caFile: registry.caFile } : {}),
    caFiles: registry.caFiles ?? {},
    dialable: dialableHosts(registry),
  };
}

/** The hosts [registry] private and connect_to name, as endpoints spell them (hostPort). */
export function dialableHosts(registry: Pick<RegistryConfig, 'private' | 'connectTo'>): string[] {
  const hosts = new Set<string>();
  const add = (hostAndPort: string) => {
    const lower = hostAndPort.toLowerCase();
    hosts.add(lower.replace(/:443$/, ''));
  };
  for (const prefix of registry.private) add(prefix.split('/')[0] as string);
  for (const key of Object.keys(registry.connectTo ?? {})) add(key);
  return [...hosts].sort();
}

/** The CA files for the central check of one registry host (`host[:port]`): its own, else `ca_file`. */
export function centralCaFiles(
  settings: Pick<RegistryCheckSettings, 'caFile' | 'caFiles'>,
  registryHost: string,
): string[] {
  const own = settings.caFiles[registryHost.toLowerCase()];
  if (own !== undefined) return [own];
  return settings.caFile !== undefined ? [settings.caFile] : [];
}
