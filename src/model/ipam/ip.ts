/**
 * IP address math for node IPAM, IPv4 and IPv6, on bigint. Address sets are sorted, merged lists of
 * inclusive intervals, so a /64 pool costs one interval, not 2^64 entries. Parsing follows Go's
 * net/netip and go4.org/netipx as the in-cluster IPAM provider uses them (no leading zeros in IPv4,
 * no zones, `a-b` ranges, CIDRs masked to their network).
 */

export type IpFamily = 4 | 6;

export interface IpAddr {
  readonly family: IpFamily;
  readonly value: bigint;
}

/** An inclusive interval of addresses of one family. */
export interface IpInterval {
  readonly from: bigint;
  readonly to: bigint;
}

/** A set of addresses of one family: sorted, disjoint, non-adjacent intervals. */
export interface AddressSet {
  readonly family: IpFamily;
  readonly intervals: readonly IpInterval[];
}

export const BITS: Readonly<Record<IpFamily, number>> = { 4: 32, 6: 128 };
const MAX: Readonly<Record<IpFamily, bigint>> = { 4: (1n << 32n) - 1n, 6: (1n << 128n) - 1n };

function parseIpv4Value(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    // Go's netip rejects leading zeros ("010" could mean octal elsewhere).
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = (value << 8n) | BigInt(octet);
  }
  return value;
}

function parseGroups(text: string): number[] | undefined {
  if (text === '') return [];
  const groups: number[] = [];
  const parts = text.split(':');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? '';
    if (i === parts.length - 1 && part.includes('.')) {
      const v4 = parseIpv4Value(part);
      if (v4 === undefined) return undefined;
      groups.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      continue;
    }
    if (!/^[0-9a-fA-F]{1,4}$/.test(part)) return undefined;
    groups.push(Number.parseInt(part, 16));
  }
  return groups;
}

function parseIpv6Value(text: string): bigint | undefined {
  if (text.includes('%')) return undefined; // zones never appear in pool specs
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  let groups: number[];
  if (halves.length === 2) {
    const head = parseGroups(halves[0] ?? '');
    const tail = parseGroups(halves[1] ?? '');
    if (!head || !tail) return undefined;
    // An IPv4 tail is only allowed at the very end.
    if ((halves[0] ?? '').includes('.')) return undefined;
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return undefined; // "::" stands for at least one group
    groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  } else {
    const all = parseGroups(text);
    if (all?.length !== 8) return undefined;
    groups = all;
  }
  let value = 0n;
  for (const g of groups) value = (value << 16n) | BigInt(g);
  return value;
}

/** Parses one IPv4 or IPv6 address; undefined when it is not one. IPv4-mapped IPv6 stays IPv6, as in Go. */
export function parseIp(text: string): IpAddr | undefined {
  const t = text.trim();
  if (t.includes(':')) {
    const value = parseIpv6Value(t);
    return value === undefined ? undefined : { family: 6, value };
  }
  const value = parseIpv4Value(t);
  return value === undefined ? undefined : { family: 4, value };
}

export function isIp(text: string): boolean {
  return parseIp(text) !== undefined;
}

/** Formats like Go's netip: dotted IPv4; RFC 5952 IPv6 (longest zero run of 2+ groups compressed). */
export function formatIp(family: IpFamily, value: bigint): string {
  if (family === 4) {
    return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
  }
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((value >> BigInt(i * 16)) & 0xffffn));
  if (value >> 32n === 0xffffn) return `::ffff:${formatIp(4, value & 0xffffffffn)}`;
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

export interface IpPrefix {
  readonly family: IpFamily;
  /** The masked network address. */
  readonly network: bigint;
  readonly bits: number;
}

/** The interval a prefix covers (the address is masked, as netipx.RangeOfPrefix does). */
export function prefixInterval(family: IpFamily, address: bigint, bits: number): IpInterval {
  const hostBits = BigInt(BITS[family] - bits);
  const hostMask = (1n << hostBits) - 1n;
  const from = address & ~hostMask & MAX[family];
  return { from, to: from | hostMask };
}

export function parsePrefix(text: string): IpPrefix | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const addr = parseIp(text.slice(0, slash));
  const bitsText = text.slice(slash + 1);
  if (!addr || !/^(0|[1-9]\d{0,2})$/.test(bitsText)) return undefined;
  const bits = Number(bitsText);
  if (bits > BITS[addr.family]) return undefined;
  return { family: addr.family, network: prefixInterval(addr.family, addr.value, bits).from, bits };
}

export function formatPrefix(prefix: IpPrefix): string {
  return `${formatIp(prefix.family, prefix.network)}/${prefix.bits}`;
}

export type AddressSpecParse =
  | { readonly ok: true; readonly family: IpFamily; readonly interval: IpInterval }
  | { readonly ok: false; readonly error: string };

/**
 * One entry of a pool's `addresses` or `excludedAddresses`: `a-b` (inclusive range), a CIDR, or a
 * single address — the three forms the provider accepts, tried in that order as upstream does.
 */
export function parseAddressSpec(text: string): AddressSpecParse {
  if (text.includes('-')) {
    const [fromText, toText, ...rest] = text.split('-');
    const from = parseIp(fromText ?? '');
    const to = parseIp(toText ?? '');
    if (rest.length > 0 || !from || !to)
      return { ok: false, error: `"${text}" is not a valid range "first-last"` };
    if (from.family !== to.family) return { ok: false, error: `range "${text}" mixes IPv4 and IPv6` };
    if (from.value > to.value) return { ok: false, error: `range "${text}" ends before it starts` };
    return { ok: true, family: from.family, interval: { from: from.value, to: to.value } };
  }
  if (text.includes('/')) {
    const prefix = parsePrefix(text);
    if (!prefix) return { ok: false, error: `"${text}" is not a valid CIDR` };
    return {
      ok: true,
      family: prefix.family,
      interval: prefixInterval(prefix.family, prefix.network, prefix.bits),
    };
  }
  const addr = parseIp(text);
  if (!addr) return { ok: false, error: `"${text}" is not an IP address` };
  return { ok: true, family: addr.family, interval: { from: addr.value, to: addr.value } };
}

/** Sorts and merges overlapping or adjacent intervals. */
export function normalizeIntervals(intervals: readonly IpInterval[]): IpInterval[] {
  const sorted = [...intervals].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  const merged: IpInterval[] = [];
  for (const next of sorted) {
    const last = merged[merged.length - 1];
    if (last && next.from <= last.to + 1n) {
      if (next.to > last.to) merged[merged.length - 1] = { from: last.from, to: next.to };
    } else {
      merged.push(next);
    }
  }
  return merged;
}

export function addressSet(family: IpFamily, intervals: readonly IpInterval[]): AddressSet {
  return { family, intervals: normalizeIntervals(intervals) };
}

/** a minus b (both normalized, same family). */
export function subtractSets(a: AddressSet, b: AddressSet): AddressSet {
  const out: IpInterval[] = [];
  let j = 0;
  for (const interval of a.intervals) {
    let from = interval.from;
    const to = interval.to;
    while (j < b.intervals.length && (b.intervals[j]?.to ?? 0n) < from) j++;
    let k = j;
    while (from <= to) {
      const cut = b.intervals[k];
      if (!cut || cut.from > to) {
        out.push({ from, to });
        break;
      }
      if (cut.from > from) out.push({ from, to: cut.from - 1n });
      from = cut.to + 1n;
      k++;
    }
  }
  return { family: a.family, intervals: out };
}

export function removeAddresses(set: AddressSet, values: readonly bigint[]): AddressSet {
  if (values.length === 0) return set;
  return subtractSets(
    set,
    addressSet(
      set.family,
      values.map((v) => ({ from: v, to: v })),
    ),
  );
}

/** The addresses in both sets; empty when the families differ. */
export function intersectSets(a: AddressSet, b: AddressSet): AddressSet {
  const out: IpInterval[] = [];
  if (a.family !== b.family) return { family: a.family, intervals: out };
  let i = 0;
  let j = 0;
  while (i < a.intervals.length && j < b.intervals.length) {
    const x = a.intervals[i]!;
    const y = b.intervals[j]!;
    // biome-ignore lint/complexity/useMathMinMax: bigint
    const from = x.from > y.from ? x.from : y.from;
    // biome-ignore lint/complexity/useMathMinMax: bigint
    const to = x.to < y.to ? x.to : y.to;
    if (from <= to) out.push({ from, to });
    if (x.to < y.to) i++;
    else j++;
  }
  return { family: a.family, intervals: out };
}

/** Binary search: is the address in the set? */
export function setContains(set: AddressSet, addr: IpAddr): boolean {
  if (addr.family !== set.family) return false;
  let lo = 0;
  let hi = set.intervals.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const interval = set.intervals[mid]!;
    if (addr.value < interval.from) hi = mid - 1;
    else if (addr.value > interval.to) lo = mid + 1;
    else return true;
  }
  return false;
}

export function countAddresses(set: AddressSet): bigint {
  let total = 0n;
  for (const interval of set.intervals) total += interval.to - interval.from + 1n;
  return total;
}

/**
 * The lowest address of the set not in `used` — what the in-cluster provider's FindFreeAddress hands
 * out next. `used` must be sorted ascending (duplicates allowed).
 */
export function lowestFree(set: AddressSet, used: readonly bigint[]): bigint | undefined {
  let u = 0;
  for (const interval of set.intervals) {
    let candidate = interval.from;
    while (u < used.length && (used[u] ?? 0n) < candidate) u++;
    while (candidate <= interval.to) {
      if (u < used.length && used[u] === candidate) {
        candidate += 1n;
        while (u < used.length && (used[u] ?? 0n) < candidate) u++;
        continue;
      }
      return candidate;
    }
  }
  return undefined;
}

export function formatInterval(family: IpFamily, interval: IpInterval): string {
  const from = formatIp(family, interval.from);
  return interval.from === interval.to ? from : `${from}-${formatIp(family, interval.to)}`;
}

/** `10.0.0.2-10.0.0.100, 10.0.0.102` */
export function formatSet(set: AddressSet): string {
  return set.intervals.map((i) => formatInterval(set.family, i)).join(', ');
}

/** Bigint counts can exceed Number (an IPv6 /64): the provider caps its status at MaxInt64; so do we. */
export function countToNumber(count: bigint): number {
  return count > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(count);
}

export function formatCount(count: bigint): string {
  return count > 1_000_000_000n ? `2^${count.toString(2).length - 1}+` : count.toString();
}

export interface PoolSpecInput {
  readonly addresses: readonly string[];
  readonly prefix?: number;
  readonly gateway?: string;
  readonly excludedAddresses?: readonly string[];
  readonly allocateReservedIPAddresses?: boolean;
}

/** A pool's address space, computed as the in-cluster provider does (PoolSpecToIPSet). */
export interface PoolSpace {
  readonly family: IpFamily;
  /** `addresses` as written, merged. */
  readonly configured: AddressSet;
  readonly excluded: AddressSet;
  /** What the provider may hand out: configured - excluded - reserved - gateway. */
  readonly allocatable: AddressSet;
  /** The subnet of the first address with `prefix` bits (upstream takes the prefix from there). */
  readonly subnet: IpPrefix;
  /** Network (and IPv4 broadcast) addresses removed because allocateReservedIPAddresses is off. */
  readonly reserved: readonly bigint[];
  readonly gateway?: IpAddr;
  readonly total: bigint;
  /** Spec problems that the webhook would have refused (an old or bypassed object). */
  readonly warnings: readonly string[];
}

export type PoolSpaceResult =
  | { readonly ok: true; readonly space: PoolSpace }
  | { readonly ok: false; readonly error: string };

export function buildPoolSpace(spec: PoolSpecInput): PoolSpaceResult {
  if (spec.addresses.length === 0) return { ok: false, error: 'spec.addresses is empty' };
  const parsed: { family: IpFamily; interval: IpInterval }[] = [];
  for (const text of spec.addresses) {
    const p = parseAddressSpec(text);
    if (!p.ok) return { ok: false, error: `spec.addresses: ${p.error}` };
    parsed.push(p);
  }
  const family = parsed[0]!.family;
  if (parsed.some((p) => p.family !== family))
    return { ok: false, error: 'spec.addresses mixes IPv4 and IPv6' };
  if (
    spec.prefix === undefined ||
    !Number.isInteger(spec.prefix) ||
    spec.prefix < 0 ||
    spec.prefix > BITS[family]
  ) {
    return {
      ok: false,
      error: `spec.prefix ${spec.prefix ?? '(missing)'} is not a valid IPv${family} prefix length`,
    };
  }
  const excludedIntervals: IpInterval[] = [];
  for (const text of spec.excludedAddresses ?? []) {
    const p = parseAddressSpec(text);
    if (!p.ok) return { ok: false, error: `spec.excludedAddresses: ${p.error}` };
    if (p.family === family) excludedIntervals.push(p.interval);
  }
  let gateway: IpAddr | undefined;
  if (spec.gateway) {
    gateway = parseIp(spec.gateway);
    if (!gateway) return { ok: false, error: `spec.gateway "${spec.gateway}" is not an IP address` };
    if (gateway.family !== family)
      return { ok: false, error: `spec.gateway ${spec.gateway} is not IPv${family}` };
  }
  const configured = addressSet(
    family,
    parsed.map((p) => p.interval),
  );
  const excluded = addressSet(family, excludedIntervals);
  const first = configured.intervals[0]!.from;
  const subnetInterval = prefixInterval(family, first, spec.prefix);
  const subnet: IpPrefix = { family, network: subnetInterval.from, bits: spec.prefix };
  const reserved: bigint[] = [];
  if (!spec.allocateReservedIPAddresses) {
    reserved.push(subnetInterval.from); // network address (IPv4), subnet-router anycast (IPv6)
    if (family === 4 && subnetInterval.to !== subnetInterval.from) reserved.push(subnetInterval.to); // broadcast
  }
  let allocatable = subtractSets(configured, excluded);
  allocatable = removeAddresses(allocatable, gateway ? [...reserved, gateway.value] : reserved);
  const warnings: string[] = [];
  const outside = subtractSets(configured, addressSet(family, [subnetInterval]));
  if (outside.intervals.length > 0) {
    warnings.push(`addresses ${formatSet(outside)} are outside the pool's subnet ${formatPrefix(subnet)}`);
  }
  return {
    ok: true,
    space: {
      family,
      configured,
      excluded,
      allocatable,
      subnet,
      reserved,
      gateway,
      total: countAddresses(allocatable),
      warnings,
    },
  };
}

export interface V1alpha1PoolSpec {
  readonly addresses?: readonly string[];
  readonly subnet?: string;
  readonly start?: string;
  readonly end?: string;
  readonly prefix?: number;
  readonly gateway?: string;
}

/**
 * The in-cluster provider's v1alpha1 → v1alpha2 conversion: with a subnet, a missing start/end
 * becomes the subnet's first+1 / last-1 and a missing prefix the subnet's; start-end is appended
 * to `addresses` as one range.
 */
export function convertV1alpha1PoolSpec(spec: V1alpha1PoolSpec): {
  addresses: string[];
  prefix?: number;
  gateway?: string;
  error?: string;
} {
  const addresses = [...(spec.addresses ?? [])];
  let start = spec.start;
  let end = spec.end;
  let prefix = spec.prefix;
  if (spec.subnet) {
    const subnet = parsePrefix(spec.subnet);
    if (!subnet)
      return {
        addresses,
        prefix,
        gateway: spec.gateway,
        error: `spec.subnet "${spec.subnet}" is not a CIDR`,
      };
    const range = prefixInterval(subnet.family, subnet.network, subnet.bits);
    if (!start) start = formatIp(subnet.family, range.from + 1n);
    if (!end) end = formatIp(subnet.family, range.to - 1n);
    if (!prefix) prefix = subnet.bits;
  }
  if (start && end) addresses.push(`${start}-${end}`);
  return { addresses, prefix, gateway: spec.gateway };
}
