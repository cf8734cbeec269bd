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
  };
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
