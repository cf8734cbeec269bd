import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { errorMessage } from '../../core/errors.js';
import { secrets } from '../../core/redact.js';
import type { VsphereConfig } from '../../model/config.js';
import { toPortgroupRecord, toSwitchRecord } from '../../model/portgroups/records.js';
import { overridesAllowed } from '../../model/portgroups/resolve.js';
import { computeScope } from '../../model/portgroups/scope.js';
import type {
  ClusterNetworkUse,
  PortgroupsData,
  PortRecord,
  VsphereInventory,
} from '../../model/portgroups/types.js';
import { lookupVia } from '../lookup.js';
import type { ProbeContext, ProbeSource } from '../types.js';
import { readClusterNetworkUse } from './cluster.js';
import { InventoryFileError, parseGovcInventory } from './govc.js';
import {
  fetchPorts,
  login,
  logout,
  type RetrieveStats,
  retrieveServiceContent,
  retrieveSwitchesAndPortgroups,
  type ServiceContent,
  SWITCH_TYPES,
} from './live.js';
import { SoapTransport, VimFault, VimTransportError } from './soap.js';

/**
 * The portgroups probe: the security policy of the distributed portgroups the cluster's VMs use,
 * read live from vCenter (vim25 SOAP) or offline from govc JSON, joined with the VSphereVMs and
 * Windows nodes of the cluster. One-shot: `r` in the TUI reads again.
 */

/** Tunables, for tests (small pages) and the bench: passed to `createPortgroupsProbe`, never mutated. */
export interface VsphereProbeOptions {
  /** RetrievePropertiesEx options.maxObjects. */
  readonly maxObjects: number;
  /** Per-call timeout. */
  readonly timeoutMs: number;
  /** Told the counters of each live read when it ends (tests check paging with them). */
  readonly onLiveRead?: (stats: LiveReadStats) => void;
}

const DEFAULT_OPTIONS: VsphereProbeOptions = { maxObjects: 500, timeoutMs: 30_000 };

type Plan =
  | { readonly kind: 'none'; readonly message: string }
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'vcenter'; readonly config: VsphereConfig & { server: string } };

export function planSource(ctx: Pick<ProbeContext, 'config' | 'dumpDir'>): Plan {
  const vs = ctx.config.vsphere;
  if (vs?.inventoryFile) return { kind: 'file', path: vs.inventoryFile };
  if (ctx.dumpDir) {
    const path = join(ctx.dumpDir, 'vsphere', 'inventory.json');
    if (existsSync(path)) return { kind: 'file', path };
    // A support bundle replaces the live cluster: never dial vCenter from --from-dump.
    return { kind: 'none', message: `the dump has no vsphere/inventory.json (govc collect -json output)` };
  }
  if (vs?.server) return { kind: 'vcenter', config: { ...vs, server: vs.server } };
  return {
    kind: 'none',
    message:
      'no [vsphere] section in the config: set server (live vCenter) or inventory_file (govc JSON), or pass --vsphere-inventory FILE',
  };
}

/** The portgroups probe with its tunables (defaults: pages of 500 objects, 30 s per call). */
export function createPortgroupsProbe(options: Partial<VsphereProbeOptions> = {}): ProbeSource<'portgroups'> {
  const resolved: VsphereProbeOptions = { ...DEFAULT_OPTIONS, ...options };
  return {
    id: 'portgroups',
    start: (ctx) => runProbe(ctx, resolved),
    rerun: (ctx) => runProbe(ctx, resolved),
  };
}

export const portgroupsProbe: ProbeSource<'portgroups'> = createPortgroupsProbe();

async function runProbe(ctx: ProbeContext, options: VsphereProbeOptions): Promise<void> {
  const plan = planSource(ctx);
  if (plan.kind === 'none') {
    ctx.store.set('portgroups', { status: 'not-applicable', message: plan.message });
    return;
  }
  const previous = ctx.store.get('portgroups');
  ctx.store.set('portgroups', {
    ...previous,
    status: previous?.data ? previous.status : 'loading',
    progress: {
      done: 0,
      total: 1,
      failed: 0,
      label: plan.kind === 'file' ? 'reading the inventory file' : 'logging in to vCenter',
    },
  });
  const cluster = readClusterNetworkUse(ctx).catch(
    (err: unknown): ClusterNetworkUse => ({
      status: 'error',
      message: errorMessage(err),
      vms: [],
      windowsNodes: [],
    }),
  );
  try {
    const inventory =
      plan.kind === 'file'
        ? readInventoryFile(plan.path)
        : await readVcenter(ctx, plan.config, cluster, options);
    const data: PortgroupsData = { inventory, cluster: await cluster };
    const notes = [
      inventory.source.insecure ? 'TLS verification of vCenter is OFF (insecure)' : undefined,
      data.cluster.status !== 'found' ? data.cluster.message : undefined,
    ].filter(Boolean);
    ctx.store.set('portgroups', {
      status: 'ready',
      data,
      message: notes.length > 0 ? notes.join('; ') : undefined,
      updatedAt: new Date().toISOString(),
      progress: { done: 1, total: 1, failed: 0 },
    });
    ctx.log.info(
      `portgroups: ${inventory.portgroups.length} portgroups, ${inventory.switches.length} switches from ${inventory.source.kind} ${inventory.source.location}; ${data.cluster.vms.length} VSphereVMs`,
    );
  } catch (err) {
    await cluster;
    const message = describeFailure(err, plan);
    ctx.log.warn(`portgroups: ${message}`);
    ctx.store.set('portgroups', {
      status: 'error',
      message,
      updatedAt: new Date().toISOString(),
      progress: { done: 0, total: 1, failed: 1 },
    });
  }
}

function describeFailure(err: unknown, plan: Plan): string {
  if (err instanceof PromptedLoginRefused && plan.kind === 'vcenter') {
    return `vCenter ${hostOf(plan.config.server)} refused the login for ${plan.config.username ?? '?'} (InvalidLogin) with the password typed in: press r to enter it again, or export ${plan.config.passwordEnv}`;
  }
  if (err instanceof VimFault && err.faultType === 'InvalidLogin' && plan.kind === 'vcenter') {
    return `vCenter ${hostOf(plan.config.server)} refused the login for ${plan.config.username ?? '?'} (InvalidLogin): check [vsphere] username and $${plan.config.passwordEnv}`;
  }
  if (err instanceof VimFault || err instanceof VimTransportError || err instanceof InventoryFileError)
    return err.message;
  if (err instanceof UserError) return err.message;
  return `vCenter read failed: ${errorMessage(err)}`;
}

class UserError extends Error {}
class PromptedLoginRefused extends Error {}

/**
 * Passwords typed into the TUI, per session (its ProbeContext) and only in memory: `r` re-runs
 * reuse it, unless vCenter refused it, then the next run asks again.
 */
const prompted = new WeakMap<ProbeContext, { key: string; value?: string; refused?: boolean }>();

interface VcenterPassword {
  readonly value: string;
  readonly from: 'env' | 'prompt';
  /** Which login the password is for (server and user): a changed config asks anew. */
  readonly key: string;
}

/** $password_env when set; otherwise the one typed in this session; otherwise ask (TUI only). */
async function vcenterPassword(
  ctx: ProbeContext,
  vs: VsphereConfig & { server: string; username: string },
  host: string,
): Promise<VcenterPassword> {
  const key = `${vs.username}@${host}`;
  const fromEnv = process.env[vs.passwordEnv];
  if (fromEnv) {
    secrets.add(fromEnv);
    return { value: fromEnv, from: 'env', key };
  }
  const remembered = prompted.get(ctx);
  if (remembered?.key === key && remembered.value) return { value: remembered.value, from: 'prompt', key };
  if (!ctx.askSecret) {
    throw new UserError(
      `the vCenter password is not set: export ${vs.passwordEnv} (the environment variable [vsphere] password_env names)`,
    );
  }
  const refused = remembered?.key === key && remembered.refused === true;
  ctx.store.set('portgroups', {
    status: 'loading',
    progress: { done: 0, total: 1, failed: 0, label: 'waiting for the vCenter password' },
  });
  const label = `${refused ? 'vCenter refused the last login. ' : ''}vCenter password for ${vs.username} at ${host}`;
  const answer = await ctx.askSecret({ probe: 'portgroups', label });
  if (!answer) {
    throw new UserError(
      `the vCenter password was not given: export ${vs.passwordEnv} before starting airgap-top, or press r to be asked again`,
    );
  }
  secrets.add(answer);
  prompted.set(ctx, { key, value: answer });
  ctx.store.patch('portgroups', {
    progress: { done: 0, total: 1, failed: 0, label: 'logging in to vCenter' },
  });
  return { value: answer, from: 'prompt', key };
}

function hostOf(server: string): string {
  try {
    return sdkUrl(server).host;
  } catch {
    return server;
  }
}

const CASING = {
  camelCase: 'camelCase (govc >= 0.31)',
  PascalCase: 'PascalCase (govc < 0.31)',
  mixed: 'camelCase and PascalCase mixed',
} as const;

export function readInventoryFile(path: string): VsphereInventory {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UserError(
      `inventory file ${path} cannot be read: ${(err as NodeJS.ErrnoException).code ?? errorMessage(err)}`,
    );
  }
  let parsed: ReturnType<typeof parseGovcInventory>;
  try {
    parsed = parseGovcInventory(text);
  } catch (err) {
    throw new InventoryFileError(`inventory file ${path}: ${errorMessage(err)}`);
  }
  if (parsed.inventory.portgroups.length === 0) {
    throw new InventoryFileError(
      `inventory file ${path} has no DistributedVirtualPortgroup objects: produce it with govc collect -json -type DistributedVirtualPortgroup / name config (see the README)`,
    );
  }
  return {
    ...parsed.inventory,
    source: { kind: 'inventory-file', location: path, detail: CASING[parsed.casing] },
  };
}

/** https://host[:port]/sdk from `server` (a host, host:port, or a URL). Only https. */
export function sdkUrl(server: string): URL {
  const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(server) ? server : `https://${server}`);
  if (url.protocol !== 'https:') throw new UserError(`[vsphere] server must be https (got ${url.protocol})`);
  if (url.username || url.password) throw new UserError('[vsphere] server must not carry credentials');
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/sdk';
  return url;
}

const SYSTEM_BUNDLES = [
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/cert.pem',
];

/** ca_file when set; otherwise Node's bundled roots plus the system bundle (where a VMCA root usually lands). */
export function trustedCas(caFile: string | undefined): string[] {
  if (caFile) {
    try {
      return [readFileSync(caFile, 'utf8')];
    } catch (err) {
      throw new UserError(
        `[vsphere] ca_file ${caFile} cannot be read: ${(err as NodeJS.ErrnoException).code ?? errorMessage(err)}`,
      );
    }
  }
  const system = SYSTEM_BUNDLES.find((p) => existsSync(p));
  return system ? [...rootCertificates, readFileSync(system, 'utf8')] : [...rootCertificates];
}

/** The counters of one live read. */
export interface LiveReadStats {
  readonly calls: number;
  readonly pages: number;
}

async function readVcenter(
  ctx: ProbeContext,
  vs: VsphereConfig & { server: string },
  clusterUse: Promise<ClusterNetworkUse>,
  options: VsphereProbeOptions,
): Promise<VsphereInventory> {
  const url = sdkUrl(vs.server);
  const username = vs.username;
  if (!username) throw new UserError('[vsphere] username is not set');
  const password = await vcenterPassword(ctx, { ...vs, username }, url.host);
  if (vs.insecure) ctx.log.warn(`vCenter ${url.host}: TLS verification is OFF (insecure)`);
  const soap = new SoapTransport({
    url,
    ca: vs.insecure ? undefined : trustedCas(vs.caFile),
    insecure: vs.insecure,
    timeoutMs: options.timeoutMs,
    signal: ctx.signal,
    lookup: lookupVia(ctx.resolve),
  });
  const stats: RetrieveStats = { pages: 0 };
  const sc: ServiceContent = await retrieveServiceContent(soap);
  if (sc.apiVersion && /^\d+(\.\d+)*$/.test(sc.apiVersion)) soap.soapAction = `urn:vim25/${sc.apiVersion}`;
  try {
    await login(soap, sc, username, password.value);
  } catch (err) {
    if (err instanceof VimFault && err.faultType === 'InvalidLogin' && password.from === 'prompt') {
      // Forget it: the next `r` asks again, saying why.
      prompted.set(ctx, { key: password.key, refused: true });
      throw new PromptedLoginRefused(err.message);
    }
    throw err;
  }
  try {
    ctx.store.patch('portgroups', {
      progress: { done: 0, total: 1, failed: 0, label: 'reading switches and portgroups' },
    });
    const objects = await retrieveSwitchesAndPortgroups(soap, sc, options.maxObjects, stats);
    const switchObjects = objects.filter((o) => (SWITCH_TYPES as readonly string[]).includes(o.type));
    const switchType = new Map(switchObjects.map((o) => [o.moid, o.type]));
    const switches = switchObjects.map(toSwitchRecord);
    const portgroups = objects.filter((o) => o.type === 'DistributedVirtualPortgroup').map(toPortgroupRecord);
    const base: VsphereInventory = {
      source: {
        kind: 'vcenter',
        location: url.host,
        insecure: vs.insecure || undefined,
        detail: [sc.fullName, sc.apiVersion ? `API ${sc.apiVersion}` : undefined].filter(Boolean).join(', '),
      },
      switches,
      portgroups,
      ports: { status: 'not-needed', items: [] },
    };
    // Ports only where they can matter: in-scope portgroups that allow overrides.
    const scope = computeScope(base, await clusterUse, vs.portgroups ?? []);
    const wanted = new Map<string, string[]>();
    for (const entry of scope.inScope) {
      const pg = entry.portgroup;
      if (!overridesAllowed(pg) || !pg.switchMoid) continue;
      wanted.set(pg.switchMoid, [...(wanted.get(pg.switchMoid) ?? []), pg.key ?? pg.moid]);
    }
    if (wanted.size === 0) return base;
    const items: PortRecord[] = [];
    try {
      for (const [moid, keys] of wanted) {
        const type = switchType.get(moid) ?? 'VmwareDistributedVirtualSwitch';
        items.push(...(await fetchPorts(soap, { type, moid }, keys)));
      }
      return { ...base, ports: { status: 'read', items } };
    } catch (err) {
      if (err instanceof VimTransportError) throw err;
      return {
        ...base,
        ports: { status: 'unavailable', reason: `FetchDVPorts failed: ${errorMessage(err)}`, items: [] },
      };
    }
  } finally {
    options.onLiveRead?.({ calls: soap.stats.calls, pages: stats.pages });
    await logout(soap, sc).catch(() => undefined);
  }
}
