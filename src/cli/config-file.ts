import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { errorMessage, UserFacingError } from '../core/errors.js';
import {
  type Config,
  DEFAULT_CONFIG,
  DEFAULT_SSH,
  DEFAULT_VSPHERE,
  parseConfig,
  parseExpectSpec,
} from '../model/config.js';
import type { ParsedOptions } from './args.js';

export interface LoadedConfig {
  readonly config: Config;
  readonly warnings: readonly string[];
}

/** --config FILE (must exist), else ./airgap-top.toml, else ~/.config/airgap-top/config.toml, else defaults. */
export function loadConfigFile(explicit: string | undefined): LoadedConfig {
  const candidates = explicit
    ? [explicit]
    : [join(process.cwd(), 'airgap-top.toml'), join(homedir(), '.config', 'airgap-top', 'config.toml')];
  for (const path of candidates) {
    if (!existsSync(path)) continue;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new UserFacingError(`config ${path} cannot be read: ${errorMessage(err)}`);
    }
    return parseConfig(text, path);
  }
  if (explicit) throw new UserFacingError(`config file ${explicit} does not exist`);
  return { config: DEFAULT_CONFIG, warnings: [] };
}

/** Flags win over the file: they turn on probes that dial out, or point them elsewhere. */
export function applyFlags(config: Config, flags: ParsedOptions): Config {
  let next = config;
  if (flags.ssh || flags['ssh-accept-new']) {
    next = {
      ...next,
      ssh: {
        ...(next.ssh ?? DEFAULT_SSH),
        acceptNew: flags['ssh-accept-new'] ?? next.ssh?.acceptNew ?? false,
      },
    };
  }
  if (flags['vsphere-inventory'] || flags['vsphere-insecure']) {
    const base = next.vsphere ?? DEFAULT_VSPHERE;
    next = {
      ...next,
      vsphere: {
        ...base,
        inventoryFile: flags['vsphere-inventory'] ?? base.inventoryFile,
        insecure: flags['vsphere-insecure'] ?? base.insecure,
      },
    };
  }
  if (flags['no-registry-check']) next = { ...next, registry: { ...next.registry, check: false } };
  if (flags.expect && flags.expect.length > 0) {
    const expect = [...(next.registry.expect ?? []), ...flags.expect.map(parseExpectSpec)];
    next = { ...next, registry: { ...next.registry, expect } };
  }
  return next;
}
