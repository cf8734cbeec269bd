import { setMaxListeners } from 'node:events';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { isIP } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Client } from 'ssh2';
import { errorMessage } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import { jumpHostProblem, type SshConfig } from '../../model/config.js';
import type { ContainerdData, NodeContainerdRecord } from '../../model/containerd/types.js';
import type { ProbeContext, ProbeSource } from '../types.js';
import { collectNode } from './collect.js';
import { type DirEntry, DirectoryFileSource, type NodeFileSource, safeNodeDirName } from './file-source.js';
import {
  connectSsh,
  expandHome,
  KnownHosts,
  loadAuth,
  openSftp,
  parseJumpHost,
  type SshAuth,
  SshConnectError,
  type SshEndpoint,
} from './ssh.js';

/** A node to read: its name and where SSH reaches it. */
export interface NodeTarget {
  readonly node: string;
  readonly host?: string;
  readonly port: number;
  readonly user: string;
}

interface NodeAddress {
  readonly type?: string;
  readonly address?: string;
}

interface NodeList {
  readonly items?: {
    metadata?: { name?: string; labels?: Record<string, string> };
    status?: { addresses?: NodeAddress[] };
  }[];
  readonly metadata?: { continue?: string };
}

/** InternalIP, then ExternalIP, then Hostname, unless `[ssh.nodes."NAME"] address` says otherwise. */
export function nodeTarget(node: string, addresses: readonly NodeAddress[], ssh: SshConfig): NodeTarget {
  const override = ssh.nodes[node];
  const pick = (type: string) => addresses.find((a) => a.type === type && a.address)?.address;
  return {
    node,
    host: override?.address ?? pick('InternalIP') ?? pick('ExternalIP') ?? pick('Hostname'),
    port: override?.port ?? ssh.port,
    user: override?.user ?? ssh.user,
  };
}

export interface NodeTargets {
  readonly targets: NodeTarget[];
  readonly skipped: { node: string; reason: string }[];
}

/** Lists the Node objects once (paged); nodes only named in [ssh.nodes] are read when the API has none. */
export async function listNodeTargets(ctx: ProbeContext, ssh: SshConfig): Promise<NodeTargets> {
  const targets: NodeTarget[] = [];
  const skipped: { node: string; reason: string }[] = [];
  let cont: string | undefined;
  do {
    const query = `?limit=500${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`;
    const page = await ctx.kube.getJson<NodeList>(`/api/v1/nodes${query}`, ctx.signal);
    for (const item of page.items ?? []) {
      const name = item.metadata?.name;
      if (!name) continue;
      if (item.metadata?.labels?.['kubernetes.io/os'] === 'windows') {
        skipped.push({
          node: name,
          reason: 'Windows node: containerd config is under C:\\Program Files\\containerd (not read)',
        });
        continue;
      }
      targets.push(nodeTarget(name, item.status?.addresses ?? [], ssh));
    }
    cont = page.metadata?.continue || undefined;
  } while (cont);
  if (targets.length === 0 && skipped.length === 0) {
    for (const name of Object.keys(ssh.nodes)) targets.push(nodeTarget(name, [], ssh));
  }
  return { targets: targets.sort((a, b) => a.node.localeCompare(b.node)), skipped };
}

/** Runs `worker` over `items` with at most `limit` at once; results keep the input order. */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  worker: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const runners = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await worker(items[i] as T);
    }
  });
  await Promise.all(runners);
  return results;
}

export interface SweepEnvironment {
  readonly ssh: SshConfig;
  /** Each connection (info) and each file read (debug) is a line; never a byte of key material. */
  readonly log?: Logger;
  readonly auth: SshAuth;
  readonly knownHosts: KnownHosts;
  readonly resolve: ProbeContext['resolve'];
  readonly signal?: AbortSignal;
  readonly jump?: Client;
}

/** Reads one node over SSH; every failure becomes the node's record, never a throw. */
export async function readNodeOverSsh(
  target: NodeTarget,
  env: SweepEnvironment,
): Promise<NodeContainerdRecord> {
  const label = `${target.user}@${target.host ?? '?'}:${target.port}${env.jump ? ' via jump host' : ''}`;
  if (!target.host) {
    return {
      node: target.node,
      target: '(no address)',
      failure: {
        kind: 'no-address',
        message: `Node ${target.node} has no InternalIP, ExternalIP or Hostname address.`,
      },
      problems: [],
      certificates: [],
    };
  }
  let host = target.host;
  if (!isIP(host) && !env.jump) {
    try {
      const answers = await env.resolve(host);
      // known_hosts is still checked under the name, as ssh does when given a name.
      if (answers[0]) host = answers[0];
    } catch (err) {
      return {
        node: target.node,
        target: label,
        failure: {
          kind: 'unreachable',
          message: `${target.host} does not resolve: ${errorMessage(err)}`,
        },
        problems: [],
        certificates: [],
      };
    }
  }
  let session: Awaited<ReturnType<typeof connectSsh>> | undefined;
  const started = performance.now();
  env.log?.info(`ssh ${target.node}: connecting to ${label}`);
  try {
    session = await connectSshAs(target, host, env);
  } catch (err) {
    const failure =
      err instanceof SshConnectError
        ? err.failure
        : { kind: 'unreachable' as const, message: errorMessage(err) };
    env.log?.info(
      `ssh ${target.node}: not connected after ${elapsedMs(started)} (${failure.kind}): ${failure.message}`,
    );
    return { node: target.node, target: label, failure, problems: [], certificates: [] };
  }
  env.log?.info(
    `ssh ${target.node}: connected to ${label} in ${elapsedMs(started)}${session.recordedKey ? ` (host key ${session.recordedKey} recorded)` : ''}`,
  );
  try {
    const sftp = await openSftp(session, label, env.ssh.readTimeoutSeconds * 1000);
    const source = env.log ? new LoggedFileSource(sftp, target.node, env.log) : sftp;
    try {
      const record = await collectNode(source, target.node, label);
      return session.recordedKey ? { ...record, hostKeyRecorded: session.recordedKey } : record;
    } finally {
      source.close();
    }
  } catch (err) {
    return {
      node: target.node,
      target: label,
      failure: {
        kind: 'permission-denied',
        message: `SFTP is not available for ${target.user}: ${errorMessage(err)}`,
      },
      problems: [],
      certificates: [],
    };
  } finally {
    session.client.end();
  }
}

/** Connects with known_hosts checked under the name the user gave (OpenSSH semantics), dialling `dialHost`. */
export async function connectSshAs(target: NodeTarget, dialHost: string, env: SweepEnvironment) {
  const endpoint: SshEndpoint = { host: target.host ?? dialHost, port: target.port, user: target.user };
  return connectSsh(
    { ...endpoint, host: endpoint.host },
    {
      auth: env.auth,
      knownHosts: env.knownHosts,
      acceptNew: env.ssh.acceptNew,
      connectTimeoutMs: env.ssh.connectTimeoutSeconds * 1000,
      jump: env.jump,
      signal: env.signal,
      dialHost,
    },
  );
}

/** The SSH environment of one sweep: keys, known_hosts, and the jump host connection if any. */
export async function openSweepEnvironment(
  ssh: SshConfig,
  resolve: ProbeContext['resolve'],
  signal?: AbortSignal,
  log?: Logger,
): Promise<{ env: SweepEnvironment; jumpFailure?: NodeContainerdRecord['failure'] }> {
  const auth = await loadAuth(ssh.identityFile, process.env.SSH_AUTH_SOCK);
  const knownHostsFile = expandHome(ssh.knownHosts ?? join(homedir(), '.ssh', 'known_hosts'));
  const extra = ssh.knownHosts ? [] : ['/etc/ssh/ssh_known_hosts'].filter((f) => existsSync(f));
  const knownHosts = new KnownHosts(knownHostsFile, extra);
  const env: SweepEnvironment = { ssh, auth, knownHosts, resolve, signal };
  if (!ssh.jumpHost) return { env };
  // The config reader refuses these; a config built otherwise must not reach a DNS lookup either.
  const jumpProblem = jumpHostProblem(ssh.jumpHost);
  if (jumpProblem)
    return { env, jumpFailure: { kind: 'unreachable', message: `[ssh] jump_host ${jumpProblem}.` } };
  const jumpEndpoint = parseJumpHost(ssh.jumpHost, ssh.user);
  const started = performance.now();
  log?.info(`ssh jump host ${ssh.jumpHost}: connecting`);
  try {
    const session = await connectSsh(jumpEndpoint, {
      auth,
      knownHosts,
      acceptNew: ssh.acceptNew,
      connectTimeoutMs: ssh.connectTimeoutSeconds * 1000,
      signal,
    });
    log?.info(`ssh jump host ${ssh.jumpHost}: connected in ${elapsedMs(started)}`);
    return { env: { ...env, jump: session.client } };
  } catch (err) {
    const failure =
      err instanceof SshConnectError ? err.failure : { kind: 'unreachable' as const, message: String(err) };
    log?.info(`ssh jump host ${ssh.jumpHost}: not connected (${failure.kind}): ${failure.message}`);
    return { env, jumpFailure: { ...failure, message: `jump host ${ssh.jumpHost}: ${failure.message}` } };
  }
}

export type SweepProgress = (done: number, total: number, failed: number) => void;

/** Reads every node over SSH with bounded concurrency; one dead node never holds the others. */
export async function sweepNodes(
  targets: readonly NodeTarget[],
  ssh: SshConfig,
  options: {
    resolve: ProbeContext['resolve'];
    signal?: AbortSignal;
    onProgress?: SweepProgress;
    log?: ProbeContext['log'];
  },
): Promise<NodeContainerdRecord[]> {
  // One listener on the caller's signal; each in-flight connection listens on this sweep's own signal.
  const sweepAbort = new AbortController();
  setMaxListeners(ssh.concurrency + 8, sweepAbort.signal);
  const relay = () => sweepAbort.abort();
  if (options.signal?.aborted) sweepAbort.abort();
  options.signal?.addEventListener('abort', relay, { once: true });
  const opened = await openSweepEnvironment(ssh, options.resolve, sweepAbort.signal, options.log);
  const env: SweepEnvironment = { ...opened.env, log: options.log };
  const { jumpFailure } = opened;
  for (const warning of env.auth.warnings) options.log?.warn(warning);
  const jumpLabel = ssh.jumpHost && !jumpHostProblem(ssh.jumpHost) ? ssh.jumpHost : 'jump host';
  let done = 0;
  let failed = 0;
  options.onProgress?.(0, targets.length, 0);
  try {
    return await mapBounded(targets, ssh.concurrency, async (target) => {
      const record: NodeContainerdRecord = jumpFailure
        ? {
            node: target.node,
            target: `via ${jumpLabel}`,
            failure: jumpFailure,
            problems: [],
            certificates: [],
          }
        : await readNodeOverSsh(target, env);
      done += 1;
      if (record.failure) failed += 1;
      options.log?.info(
        `containerd: ${record.node} ${record.failure ? `failed (${record.failure.kind}): ${record.failure.message}` : `read from ${record.target}`}`,
      );
      options.onProgress?.(done, targets.length, failed);
      return record;
    });
  } finally {
    options.signal?.removeEventListener('abort', relay);
    env.jump?.end();
  }
}

function elapsedMs(started: number): string {
  return `${Math.round(performance.now() - started)} ms`;
}

/** A node's file source that logs each read (path, size or failure, time) at debug level. */
class LoggedFileSource implements NodeFileSource {
  constructor(
    private readonly inner: NodeFileSource,
    private readonly node: string,
    private readonly log: Logger,
  ) {}

  get description(): string {
    return this.inner.description;
  }

  async readFile(path: string): Promise<Buffer> {
    const started = performance.now();
    try {
      const data = await this.inner.readFile(path);
      this.log.debug(`ssh ${this.node}: read ${path} (${data.length} bytes) in ${elapsedMs(started)}`);
      return data;
    } catch (err) {
      this.log.debug(`ssh ${this.node}: read ${path}: ${errorMessage(err)} (${elapsedMs(started)})`);
      throw err;
    }
  }

  async readDir(path: string): Promise<DirEntry[]> {
    const started = performance.now();
    try {
      const entries = await this.inner.readDir(path);
      this.log.debug(`ssh ${this.node}: list ${path} (${entries.length} entries) in ${elapsedMs(started)}`);
      return entries;
    } catch (err) {
      this.log.debug(`ssh ${this.node}: list ${path}: ${errorMessage(err)} (${elapsedMs(started)})`);
      throw err;
    }
  }

  close(): void {
    this.inner.close();
  }
}

/** `report --from-dump DIR`: each `DIR/nodes/<node>/` is that node's root file system. */
export async function readDumpNodes(dumpDir: string): Promise<NodeContainerdRecord[]> {
  const root = join(dumpDir, 'nodes');
  let entries: string[];
  try {
    entries = (await readdir(root, { withFileTypes: true }))
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
  } catch {
    return [];
  }
  const out: NodeContainerdRecord[] = [];
  for (const name of entries.sort()) {
    if (!safeNodeDirName(name)) continue;
    const source = new DirectoryFileSource(join(root, name));
    out.push(await collectNode(source, name, source.description));
  }
  return out;
}

async function sweep(ctx: ProbeContext): Promise<void> {
  const ssh = ctx.config.ssh;
  const started = Date.now();
  const previous = ctx.store.get('containerd');
  const publish = (
    nodes: NodeContainerdRecord[],
    source: ContainerdData['source'],
    skipped: ContainerdData['skipped'] = [],
  ) => {
    const data: ContainerdData = {
      source,
      nodes,
      sweptAt: new Date().toISOString(),
      durationMs: Date.now() - started,
      skipped,
    };
    const failed = nodes.filter((n) => n.failure).length;
    ctx.store.set('containerd', {
      status: 'ready',
      data,
      updatedAt: data.sweptAt,
      progress: {
        done: nodes.length,
        total: nodes.length,
        failed,
        label: `read ${nodes.length - failed}/${nodes.length} nodes`,
      },
    });
  };
  if (ctx.dumpDir) {
    publish(await readDumpNodes(ctx.dumpDir), 'dump');
    return;
  }
  if (!ssh) {
    ctx.store.set('containerd', {
      status: 'not-applicable',
      message: 'SSH to nodes is off: add an [ssh] section to the config or pass --ssh',
    });
    return;
  }
  let listed: NodeTargets;
  try {
    listed = await listNodeTargets(ctx, ssh);
  } catch (err) {
    ctx.store.set('containerd', {
      ...(previous?.data ? previous : {}),
      status: 'error',
      message: `cannot list nodes to read over SSH: ${errorMessage(err)}`,
    });
    return;
  }
  const nodes = await sweepNodes(listed.targets, ssh, {
    resolve: ctx.resolve,
    signal: ctx.signal,
    log: ctx.log,
    onProgress: (done, total, failed) =>
      ctx.store.patch('containerd', {
        progress: { done, total, failed, label: `reading nodes over SSH ${done}/${total}` },
      }),
  });
  if (ctx.signal.aborted) return;
  publish(nodes, 'ssh', listed.skipped);
}

export const containerdProbe: ProbeSource<'containerd'> = {
  id: 'containerd',
  async start(ctx) {
    try {
      await sweep(ctx);
    } catch (err) {
      ctx.store.set('containerd', {
        status: 'error',
        message: `SSH sweep failed: ${errorMessage(err)}`,
      });
    }
  },
  async rerun(ctx) {
    try {
      await sweep(ctx);
    } catch (err) {
      ctx.store.set('containerd', {
        status: 'error',
        message: `SSH sweep failed: ${errorMessage(err)}`,
      });
    }
  },
};
