import { type Finding, findingKey, type Subject, subjectKey, worstSeverity } from '../model/finding.js';
import { compareFindings } from '../model/finding-order.js';
import type { ChainLink, IpamAnalysis, PoolAnalysis } from '../model/ipam/analysis.js';
import { IpamAnalyzer } from '../model/ipam/analyze.js';
import { chainDeps, sameDeps } from '../model/ipam/chain.js';
import { countToNumber, formatCount, formatPrefix, formatSet } from '../model/ipam/ip.js';
import { inReuseGrace } from '../model/ipam/pool-space.js';
import { poolSubject } from '../model/ipam/subjects.js';
import type { IpamData, VSphereVMRecord } from '../model/ipam/types.js';
import { formatAge, timestampText } from '../model/time.js';
import type { ViewBuilder, ViewRow, ViewTable } from './types.js';

/**
 * The IPAM screen: one row per VM device pool claim (the whole chain), and the pools with their
 * arithmetic. Each view owns its row caches; pass the analyzer of the session's IPAM evaluator so
 * the view reads the analysis the evaluation already built.
 */
export function createIpamView(analyzer: IpamAnalyzer = new IpamAnalyzer()): ViewBuilder<'ipam'> {
  const memo = new IpamViewMemo();
  return ({ data: ipam, findings, now }) => {
    const analysis = analyzer.analyze(ipam);
    return [chainTable(memo, analysis, findings, ipam), poolsTable(memo, analysis, findings, now)];
  };
}

type FindingIndex = ReadonlyMap<string, readonly Finding[]>;

/** What one IPAM view remembers between frames. */
class IpamViewMemo {
  readonly indexes = new WeakMap<readonly Finding[], FindingIndex>();
  readonly vmRows = new WeakMap<VSphereVMRecord, VmRows>();
}

/** Findings by subject key, built once per findings array (rows look theirs up instead of scanning all). */
function indexFindings(memo: IpamViewMemo, findings: readonly Finding[]): FindingIndex {
  let index = memo.indexes.get(findings);
  if (!index) {
    const map = new Map<string, Finding[]>();
    for (const f of findings) {
      const key = subjectKey(f.subject);
      const list = map.get(key);
      if (list) list.push(f);
      else map.set(key, [f]);
    }
    index = map;
    memo.indexes.set(findings, index);
  }
  return index;
}

function findingsFor(
  index: FindingIndex,
  subjects: readonly Subject[],
): Pick<ViewRow, 'severity' | 'findingKeys'> {
  const mine: Finding[] = [];
  for (const subject of subjects) mine.push(...(index.get(subjectKey(subject)) ?? []));
  mine.sort(compareFindings);
  return { severity: worstSeverity(mine), findingKeys: mine.map(findingKey) };
}

const STATE_TEXT: Readonly<Record<ChainLink['state'], string>> = {
  bound: 'bound',
  pending: 'pending',
  'no-claim': 'claim not created',
  'pool-missing': 'pool missing',
  'address-missing': 'address missing',
  'out-of-range': 'out of pool range',
  duplicate: 'duplicate address',
  'other-provider': 'bound (other provider)',
};

interface VmRows {
  readonly deps: readonly unknown[];
  /** Per row: the subject keys whose findings it shows, and the findings found last time. */
  readonly keys: readonly (readonly string[])[];
  readonly found: readonly (readonly Finding[])[];
  readonly rows: readonly ViewRow[];
}

/** Whether every row would show exactly the same Finding objects as last time (no allocation). */
function sameRowFindings(cached: VmRows, index: FindingIndex): boolean {
  for (let r = 0; r < cached.keys.length; r++) {
    const before = cached.found[r] ?? [];
    let i = 0;
    for (const key of cached.keys[r] ?? []) {
      for (const f of index.get(key) ?? []) if (before[i++] !== f) return false;
    }
    if (i !== before.length) return false;
  }
  return true;
}

/** A VM's rows are reused while its chain and the findings they point at are the same objects. */
function vmRows(
  memo: IpamViewMemo,
  analysis: IpamAnalysis,
  vm: VSphereVMRecord,
  index: FindingIndex,
): readonly ViewRow[] {
  const deps = chainDeps(analysis, vm);
  const cached = memo.vmRows.get(vm);
  if (cached && sameDeps(cached.deps, deps) && sameRowFindings(cached, index)) return cached.rows;
  const links = analysis.chainsByVm.get(vm) ?? [];
  const { machine, cluster } = analysis.machineOf(vm);
  const keys: string[][] = [];
  const found: Finding[][] = [];
  const rows = links.map((link) => {
    const subjects: Subject[] = [
      { kind: 'VSphereVM', namespace: vm.namespace, name: vm.name },
      { kind: 'IPAddressClaim', namespace: vm.namespace, name: link.claimName },
    ];
    if (link.address)
      subjects.push({ kind: 'IPAddress', namespace: link.address.namespace, name: link.address.name });
    if (link.pool) subjects.push(poolSubject(link.pool));
    const rowKeys = subjects.map(subjectKey);
    const mine = rowKeys.flatMap((k) => index.get(k) ?? []);
    keys.push(rowKeys);
    found.push(mine);
    const sorted = [...mine].sort(compareFindings);
    const address = link.address
      ? `${link.address.address}${link.address.prefix !== undefined ? `/${link.address.prefix}` : ''}`
      : '-';
    return {
      key: `${vm.namespace}/${link.claimName}`,
      cells: {
        vm: `${vm.namespace}/${vm.name}`,
        device: `${link.deviceIndex} ${link.networkName}`,
        claim: link.claim ? link.claimName : `(${link.claimName})`,
        address,
        pool: `${link.poolRef.kind === 'GlobalInClusterIPPool' ? 'global/' : ''}${link.poolRef.name}`,
        state: STATE_TEXT[link.state],
      },
      severity: worstSeverity(sorted),
      findingKeys: sorted.map(findingKey),
      object: {
        cluster: cluster?.name ?? vm.clusterName ?? null,
        machine: machine?.name ?? null,
        node: machine?.nodeName ?? null,
        vsphereVM: vm,
        claim: link.claim ?? null,
        address: link.address ?? null,
        pool: link.pool?.pool ?? null,
        state: link.state,
      },
    } satisfies ViewRow;
  });
  memo.vmRows.set(vm, { deps, keys, found, rows });
  return rows;
}

function chainTable(
  memo: IpamViewMemo,
  analysis: IpamAnalysis,
  findings: readonly Finding[],
  data: IpamData,
): ViewTable {
  const index = indexFindings(memo, findings);
  const rows: ViewRow[] = [];
  for (const vm of data.vsphereVMs) rows.push(...vmRows(memo, analysis, vm, index));
  const counts = new Map<string, number>();
  for (const link of analysis.chains) counts.set(link.state, (counts.get(link.state) ?? 0) + 1);
  const usingPools = new Set(analysis.chains.map((l) => l.vm)).size;
  const footer =
    `${usingPools} of ${data.vsphereVMs.length} VSphereVMs take addresses from pools · ` +
    ([...counts].map(([state, n]) => `${n} ${STATE_TEXT[state as ChainLink['state']]}`).join(' · ') ||
      'no claims') +
    (data.missing.length > 0 ? ` · not served: ${data.missing.join(', ')}` : '');
  return {
    id: 'chain',
    title: 'VM → claim → address → pool',
    columns: [
      { key: 'vm', title: 'VSPHEREVM', width: 32, truncate: 'middle' },
      { key: 'device', title: 'DEVICE', width: 18 },
      { key: 'claim', title: 'CLAIM', width: 30, truncate: 'middle' },
      { key: 'address', title: 'ADDRESS', width: 24 },
      { key: 'pool', title: 'POOL', width: 22 },
      { key: 'state', title: 'STATE' },
    ],
    rows,
    footer,
  };
}

/** `[#######---] 70%`; used addresses that deleting claims hold are drawn `~`: `[#####~~---] 70%`. */
export function usageBar(used: bigint, total: bigint, held = 0n, width = 10): string {
  if (total <= 0n) return `[${'!'.repeat(width)}] -`;
  const ratio = Math.min(1, countToNumber(used) / countToNumber(total));
  const filled = Math.min(width, Math.round(ratio * width));
  // At least one cell, so that a held address shows in a large pool too.
  const heldCells =
    held > 0n && filled > 0
      ? Math.min(filled, Math.max(1, Math.round((countToNumber(held) / countToNumber(total)) * width)))
      : 0;
  const percent = Math.floor(ratio * 100);
  return `[${'#'.repeat(filled - heldCells)}${'~'.repeat(heldCells)}${'-'.repeat(width - filled)}] ${percent}%`;
}

/** NEXT of an exhausted pool says when deleting claims free an address, so waiting is an option. */
function nextText(pool: PoolAnalysis, nowMs: number): string {
  if (pool.next) return pool.next;
  if (!pool.space) return '-';
  if (pool.heldByDeletingClaims.length === 0) return 'none';
  const first = inReuseGrace(pool.heldByDeletingClaims, nowMs)[0]?.releasesAtMs;
  return first === undefined ? 'none, release due' : `none, frees in ${formatAge(first - nowMs)}`;
}

function providerStatusText(pool: PoolAnalysis): string {
  const s = pool.pool.status;
  if (!s) return 'none';
  const computed = { total: countToNumber(pool.total), used: pool.used, free: countToNumber(pool.free) };
  const same = s.total === computed.total && s.used === computed.used && s.free === computed.free;
  return same ? 'same' : `${s.total ?? '?'}/${s.used ?? '?'}/${s.free ?? '?'}`;
}

function poolsTable(
  memo: IpamViewMemo,
  analysis: IpamAnalysis,
  findings: readonly Finding[],
  now: Date,
): ViewTable {
  const index = indexFindings(memo, findings);
  const rows: ViewRow[] = analysis.pools.map((pool) => {
    const p = pool.pool;
    const ranges = pool.space ? formatSet(pool.space.allocatable) : `invalid: ${pool.error}`;
    const addressSubjects: Subject[] = pool.addresses.map((a) => ({
      kind: 'IPAddress',
      namespace: a.namespace,
      name: a.name,
    }));
    return {
      key: subjectKey(poolSubject(pool)),
      cells: {
        kind: p.kind === 'GlobalInClusterIPPool' ? 'global' : 'namespaced',
        name: `${p.namespace ? `${p.namespace}/` : ''}${p.name}`,
        ranges: ranges || '(none)',
        counts: `${formatCount(pool.total)}/${pool.used}/${formatCount(pool.free)}`,
        usage: usageBar(BigInt(pool.used), pool.total, BigInt(pool.heldByDeletingClaims.length)),
        next: nextText(pool, now.getTime()),
        provider: providerStatusText(pool),
      },
      ...findingsFor(index, [poolSubject(pool), ...addressSubjects]),
      object: {
        pool: p,
        computed: {
          total: formatCount(pool.total),
          used: pool.used,
          free: formatCount(pool.free),
          next: pool.next ?? null,
          subnet: pool.space ? formatPrefix(pool.space.subnet) : null,
          outOfRange: pool.outOfRange.map((a) => `${a.namespace}/${a.name} ${a.address}`),
          pendingClaims: pool.pendingClaims.map((c) => `${c.namespace}/${c.name}`),
          heldByDeletingClaims: pool.heldByDeletingClaims.map(
            (h) =>
              `${h.claim.namespace}/${h.claim.name} ${h.address.address} until ${h.releasesAtMs === undefined ? '?' : timestampText(h.releasesAtMs)}`,
          ),
          networks: pool.networks,
        },
      },
    };
  });
  const overlaps = analysis.overlaps.length;
  const anyHeld = analysis.pools.some((p) => p.heldByDeletingClaims.length > 0);
  return {
    id: 'pools',
    title: 'Pools',
    columns: [
      { key: 'kind', title: 'KIND', width: 10 },
      { key: 'name', title: 'POOL', width: 28 },
      { key: 'ranges', title: 'ALLOCATABLE', width: 34 },
      { key: 'counts', title: 'TOTAL/USED/FREE', width: 16, align: 'right' },
      { key: 'usage', title: 'USAGE', width: 17 },
      { key: 'next', title: 'NEXT', width: 18 },
      { key: 'provider', title: 'PROVIDER T/U/F' },
    ],
    rows,
    footer:
      `${analysis.pools.length} pool(s) · ${overlaps === 0 ? 'no overlaps' : `${overlaps} overlapping pair(s)`} · counts computed from ranges and IPAddresses; PROVIDER shows status.ipAddresses when it differs` +
      (anyHeld ? ' · ~ in USAGE: used, held by deleting claims' : '') +
      (analysis.namespace
        ? ` · -n ${analysis.namespace}: global pools count this namespace's addresses only`
        : ''),
  };
}
