import { isAbsolute, join, posix, resolve } from 'node:path';
import { secrets as processSecrets, type SecretRegistry } from '../../core/redact.js';
import type { ContainerdData } from '../../model/containerd/types.js';
import type { ImagesData } from '../../model/images/types.js';
import {
  judgeAll,
  type PresenceData,
  type PresencePlan,
  type PresencePlanOptions,
  planPresence,
  type TripleAnswer,
  unreachableEndpoints,
} from '../../model/registry/presence.js';
import type { PresenceCache } from '../../model/registry/presence-cache.js';
import type { RegistryCheckSettings } from '../../model/registry/settings.js';
import { probeKey, type TlsInventory } from '../../model/registry/types.js';
import { isInside, safeNodeDirName } from '../containerd/file-source.js';
import { RegistryClient, type RegistryClientOptions } from './client.js';
import { loadCredentialsFile } from './credentials.js';
import { expandHome } from './paths.js';

/**
 * One presence sweep (I/O): plans it from the pods and the nodes' containerd data (pure, in
 * model/registry/presence.ts), asks the client every (endpoint, repository, reference) triple once
 * — in live mode only the triples the cache says are due — and judges each (node group, image).
 * Bounded concurrency, per-registry Retry-After pauses and the never-dial-public guard are the
 * client's; this module only decides what to ask and assembles what came back.
 */
export interface PresenceSweepInput {
  readonly images: ImagesData;
  /** The containerd probe's data; undefined (or nodes without a view) means the central check. */
  readonly containerd?: ContainerdData;
  readonly settings: Pick<RegistryCheckSettings, 'caFile' | 'caFiles' | 'dialable'>;
}

export interface PresenceSweepOptions extends PresencePlanOptions {
  readonly client: RegistryClient;
  /** Live mode: answers remembered across sweeps, rechecked when due. */
  readonly cache?: PresenceCache;
  /**
   * Live mode: the last sweep's data. A (group, image) whose triples were all answered from the
   * cache keeps its judgement, so a new pod costs its own triples, not a re-judgement of 10,000;
   * only while the node configurations and CA settings are the same (configKey).
   */
  readonly previous?: PresenceData;
  readonly now?: () => Date;
  /** Called once planned, with the number of triples about to be asked (progress). */
  readonly onPlanned?: (asking: number) => void;
}

export async function sweepPresence(
  input: PresenceSweepInput,
  options: PresenceSweepOptions,
): Promise<PresenceData> {
  return sweepPlanned(planSweep(input, options), options);
}

/** The plan of one sweep (pure, model/registry/presence.ts), with `~/` in CA paths expanded. */
export function planSweep(input: PresenceSweepInput, options: PresencePlanOptions = {}): PresencePlan {
  return planPresence(input.images, input.containerd, withHomeExpanded(input.settings), options);
}

/**
 * The sweep of a plan: asks its triples (in live mode the due ones) and judges. A live sweep
 * whose inputs are the very objects of the last one (answers came due, nothing else changed)
 * reuses that plan rather than planning 10,000 pods again.
 */
export async function sweepPlanned(plan: PresencePlan, options: PresenceSweepOptions): Promise<PresenceData> {
  const now = options.now ?? (() => new Date());
  const started = now();
  const startedMs = Date.now();
  const cache = options.cache;
  const ask = cache ? cache.due(plan.asks, started) : plan.asks;
  options.onPlanned?.(ask.length);
  const result = await options.client.sweep(ask);
  const answers = new Map<string, TripleAnswer>();
  const tls: Record<string, TlsInventory> = {};
  // Triples that answered otherwise than the cache remembers (or are new to it). A triple asked
  // again that answered as before (a registry still down, an image still there) leaves the
  // judgements that use it as they were: at 10,000 pods a recheck of a refusing registry
  // re-judged every image and rebuilt every screen (~1 s of CPU per recheck).
  const changed = new Set<string>();
  for (const r of result.results) {
    const triple: TripleAnswer = {
      answer: r.answer,
      method: r.evidence.method,
      ...(r.evidence.status !== undefined ? { status: r.evidence.status } : {}),
    };
    const key = probeKey(r.probe);
    answers.set(key, triple);
    if (cache) {
      const before = cache.answer(r.probe);
      if (!before || !sameAnswer(before, triple)) changed.add(key);
      cache.record(r.probe, triple, now());
    }
  }
  let fromCache = 0;
  if (cache) {
    for (const p of plan.asks) {
      const key = probeKey(p);
      if (answers.has(key)) continue;
      const remembered = cache.answer(p);
      if (remembered) {
        answers.set(key, remembered);
        fromCache++;
      }
    }
  }
  for (const [key, inventory] of result.tls) tls[key] = inventory;
  const previous = cache && options.previous?.configKey === plan.configKey ? options.previous : undefined;
  const images = judgeAll(
    plan,
    answers,
    previous
      ? (request) => {
          const before = previous.images[request.key];
          return before && request.tripleKeys.every((k) => !changed.has(k)) ? before : undefined;
        }
      : undefined,
  );
  return {
    configKey: plan.configKey,
    sweptAt: started.toISOString(),
    durationMs: Date.now() - startedMs,
    groups: plan.groups,
    nodeGroups: plan.nodeGroups,
    images,
    tls,
    counts: {
      requests: plan.requests.length,
      triples: plan.triples,
      manifestRequests: result.counts.manifestRequests,
      tokenRequests: result.counts.tokenRequests,
      fromCache,
    },
    unreachable: unreachableEndpoints(images),
  };
}

/** The same answer, field for field (a judgement is a function of its triples' answers). */
function sameAnswer(a: TripleAnswer, b: TripleAnswer): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/** `~/` in [registry] ca_file / ca_files means this user's home (the config keeps it as written). */
export function withHomeExpanded(
  settings: Pick<RegistryCheckSettings, 'caFile' | 'caFiles' | 'dialable'>,
): Pick<RegistryCheckSettings, 'caFile' | 'caFiles' | 'dialable'> {
  return {
    ...(settings.dialable ? { dialable: settings.dialable } : {}),
    ...(settings.caFile !== undefined ? { caFile: expandHome(settings.caFile) } : {}),
    caFiles: Object.fromEntries(Object.entries(settings.caFiles).map(([h, f]) => [h, expandHome(f)])),
  };
}

/**
 * The node's view from a support bundle: a CA path a node's hosts.toml names is read from that
 * node's directory in the dump (`DIR/nodes/<node>/<path>`), never outside it. Symbolic links are not
 * followed here (the transport reads the file); a path that leaves the node's directory is dropped,
 * so the handshake fails like the node's would with a missing CA.
 */
export function dumpCaFiles(dumpDir: string): (node: string, nodePath: string) => string | undefined {
  return (node, nodePath) => {
    const name = safeNodeDirName(node);
    if (!name || !isAbsolute(nodePath)) return undefined;
    const root = resolve(dumpDir, 'nodes', name);
    // As on the node: `..` never climbs above `/`.
    const full = join(root, posix.resolve('/', nodePath));
    return isInside(root, full) ? full : undefined;
  };
}

/**
 * The client a session sweeps with, from `[registry]`: concurrency, per-request timeout, and the
 * credentials file (read once, every secret registered for redaction before the client exists).
 */
export async function registryClientFor(
  settings: Pick<RegistryCheckSettings, 'concurrency' | 'timeoutSeconds' | 'credentialsFile'>,
  extra: Omit<RegistryClientOptions, 'concurrency' | 'timeoutMs' | 'credentials'> = {},
  registry: SecretRegistry = processSecrets,
  Client: new (options: RegistryClientOptions) => RegistryClient = RegistryClient,
): Promise<RegistryClient> {
  const credentials =
    settings.credentialsFile !== undefined
      ? await loadCredentialsFile(settings.credentialsFile, registry)
      : undefined;
  return new Client({
    registerSecret: (s) => registry.add(s),
    ...extra,
    concurrency: settings.concurrency,
    timeoutMs: settings.timeoutSeconds * 1000,
    ...(credentials ? { credentials } : {}),
  });
}
