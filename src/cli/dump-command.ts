import { join } from 'node:path';
import { UserFacingError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { collectDump } from '../dump/collect.js';
import type { Config } from '../model/config.js';
import { loadKubeConnection } from '../probes/kube/connection.js';
import type { ParsedOptions } from './args.js';
import { announceWarnings } from './warnings.js';

/**
 * `airgap-top dump [-o DIR]`: the support bundle for `report --from-dump DIR`, collected with the
 * probes' own Kubernetes client and SFTP reader (no kubectl or ssh needed on the jump box). Node
 * files are read when the containerd probe would run (an [ssh] section or --ssh); a govc inventory
 * file (--vsphere-inventory or [vsphere] inventory_file) is carried along. Progress goes to stderr,
 * the folder to stdout. Exit 0 complete, 1 something could not be read, 2 could not run.
 */
export async function runDump(flags: ParsedOptions, config: Config, log: Logger): Promise<number> {
  if ((flags.format?.length ?? 0) > 1) throw new UserFacingError('dump takes one -o DIR');
  const dir =
    flags['output-dir'] ??
    flags.format?.[0] ??
    join(process.cwd(), `airgap-top-dump-${new Date().toISOString().replace(/[-:]|\.\d+/g, '')}`);
  const kube = loadKubeConnection({ kubeconfig: flags.kubeconfig, context: flags.context, log });
  announceWarnings(kube.warnings, log);
  const progress = (line: string) => {
    process.stderr.write(`${line}\n`);
    log.info(line);
  };
  try {
    const result = await collectDump({
      dir,
      kube,
      ssh: config.ssh,
      vsphereInventory: config.vsphere?.inventoryFile || undefined,
      resolve: dnsResolver,
      progress,
    });
    progress(
      `dump: ${result.objects} objects in ${result.resources} resources, ${result.nodes} nodes${
        result.failures.length ? `; incomplete: ${result.failures.length} could not be read` : ''
      }`,
    );
    process.stdout.write(`${dir}\n`);
    return result.failures.length > 0 ? 1 : 0;
  } finally {
    kube.close();
  }
}

async function dnsResolver(hostname: string): Promise<string[]> {
  const { lookup } = await import('node:dns/promises');
  return (await lookup(hostname, { all: true })).map((a) => a.address);
}
