import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Session } from '../app/session.js';
import { UserFacingError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { DEFAULT_CONFIG, parseConfig } from '../model/config.js';
import { type ClusterFacts, renderStartingConfig } from '../model/config-init.js';
import type { ImagesData } from '../model/images/types.js';
import type { TopologyData } from '../model/topology/types.js';
import type { ParsedOptions } from './args.js';
import { announceWarnings } from './warnings.js';

const INIT_TIMEOUT_MS = 60_000;

/**
 * `airgap-top config init`: reads the current cluster once (pods, nodes, CAPI/IPAM discovery) and
 * writes a commented starting config. Never overwrites: an existing file is the SRE's own.
 */
export async function runConfigInit(flags: ParsedOptions, log: Logger): Promise<number> {
  const path = resolve(flags.config ?? 'airgap-top.toml');
  if (existsSync(path)) {
    throw new UserFacingError(
      `${path} exists; config init never overwrites a config (choose another --config FILE)`,
    );
  }
  const session = await Session.open({
    kubeconfig: flags.kubeconfig,
    context: flags.context,
    config: DEFAULT_CONFIG,
    log,
    live: false,
    probes: ['images', 'topology', 'ipam'],
  });
  announceWarnings(session.kube.warnings, log);
  let facts: ClusterFacts;
  try {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((done) => {
      timer = setTimeout(done, INIT_TIMEOUT_MS);
    });
    await Promise.race([session.start(), timedOut]);
    clearTimeout(timer);
    const snapshot = session.store.snapshot;
    const images = snapshot.images;
    if (images?.status !== 'ready') {
      throw new UserFacingError(
        `could not read the cluster's pods (${images?.message ?? images?.status ?? 'not started'}); nothing written`,
      );
    }
    const pods = (images.data as ImagesData | undefined)?.pods ?? [];
    const topology = snapshot.topology?.data as TopologyData | undefined;
    const ipam = snapshot.ipam?.status;
    facts = {
      context: session.kube.contextName,
      server: session.kube.server,
      images: pods.flatMap((p) => p.containers.map((c) => c.image)),
      nodeLabels: topology?.nodes.map((n) => n.labels) ?? [],
      capvServed: topology ? topology.machines !== undefined : undefined,
      ipamServed: ipam === 'ready' ? true : ipam === 'not-applicable' ? false : undefined,
      generatedAt: new Date(),
    };
  } finally {
    session.close();
  }
  const text = renderStartingConfig(facts);
  // What we write must load: a config init that produces a broken file would be worse than none.
  parseConfig(text, path);
  writeFileSync(path, text, { flag: 'wx' });
  process.stderr.write(`wrote ${path}\n`);
  return 0;
}
