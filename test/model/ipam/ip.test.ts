import { describe, expect, it } from 'vitest';
import {
  addressSet,
  buildPoolSpace,
  convertV1alpha1PoolSpec,
  countAddresses,
  formatIp,
  formatSet,
  intersectSets,
  lowestFree,
  parseAddressSpec,
  parseIp,
  parsePrefix,
  setContains,
  subtractSets,
} from '../../../src/model/ipam/ip.js';

const v4 = (s: string) => parseIp(s)!.value;

describe('parseIp / formatIp', () => {
  it.each([
    ['10.0.0.1', 4, '10.0.0.1'],
    ['0.0.0.0', 4, '0.0.0.0'],
    ['255.255.255.255', 4, '255.255.255.255'],
    ['2001:db8::1', 6, '2001:db8::1'],
    ['2001:DB8:0:0:0:0:0:1', 6, '2001:db8::1'],
    ['::', 6, '::'],
    ['::1', 6, '::1'],
    ['fe80::', 6, 'fe80::'],
    ['2001:db8:0:1:0:0:0:1', 6, '2001:db8:0:1::1'],
    // RFC 5952: the longest zero run is compressed; a single zero group is not.
    ['2001:db8:0:0:1:0:0:0', 6, '2001:db8:0:0:1::'],
    ['2001:db8:1:1:1:1:0:1', 6, '2001:db8:1:1:1:1:0:1'],
    ['::ffff:10.1.2.3', 6, '::ffff:10.1.2.3'],
    ['64:ff9b::192.0.2.33', 6, '64:ff9b::c000:221'],
  ])('%s is IPv%i, formatted %s', (text, family, formatted) => {
    const addr = parseIp(text);
    expect(addr?.family).toBe(family);
    expect(formatIp(addr!.family, addr!.value)).toBe(formatted);
  });

  it.each([
    '10.0.0',
    '10.0.0.256',
    '010.0.0.1', // Go's netip refuses leading zeros
    '10.0.0.1.2',
    '',
    'host.example',
    '2001:db8::1::2',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7::8', // "::" must stand for at least one group
    '12345::1',
    'fe80::1%eth0',
    '1.2.3.4::',
  ])('%s is not an address', (text) => {
    expect(parseIp(text)).toBeUndefined();
  });
});

describe('parseAddressSpec', () => {
  it.each([
    ['10.0.0.5', 4, '10.0.0.5', '10.0.0.5'],
    ['10.0.0.2-10.0.0.254', 4, '10.0.0.2', '10.0.0.254'],
    ['10.0.0.0/24', 4, '10.0.0.0', '10.0.0.255'],
    ['10.0.0.77/24', 4, '10.0.0.0', '10.0.0.255'], // masked, as netipx.RangeOfPrefix does
    ['10.0.0.9/32', 4, '10.0.0.9', '10.0.0.9'],
    ['2001:db8::/64', 6, '2001:db8::', '2001:db8::ffff:ffff:ffff:ffff'],
    ['2001:db8::10-2001:db8::1f', 6, '2001:db8::10', '2001:db8::1f'],
  ])('%s', (text, family, from, to) => {
    const parsed = parseAddressSpec(text);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.family).toBe(family);
    expect(formatIp(parsed.family, parsed.interval.from)).toBe(from);
    expect(formatIp(parsed.family, parsed.interval.to)).toBe(to);
  });

  it.each([
    ['10.0.0.9-10.0.0.1', 'ends before it starts'],
    ['10.0.0.1-2001:db8::1', 'mixes IPv4 and IPv6'],
    ['10.0.0.0/33', 'not a valid CIDR'],
    ['10.0.0.1-10.0.0.2-10.0.0.3', 'not a valid range'],
    ['ten', 'not an IP address'],
  ])('%s is refused (%s)', (text, message) => {
    const parsed = parseAddressSpec(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toContain(message);
  });
});

describe('address sets', () => {
  const set = (...specs: string[]) =>
    addressSet(
      4,
      specs.map((s) => {
        const p = parseAddressSpec(s);
        if (!p.ok) throw new Error(p.error);
        return p.interval;
      }),
    );

  it.each([
    [['10.0.0.1-10.0.0.5', '10.0.0.6'], '10.0.0.1-10.0.0.6'], // adjacent merge
    [['10.0.0.4', '10.0.0.1-10.0.0.5'], '10.0.0.1-10.0.0.5'], // contained
    [['10.0.0.9', '10.0.0.1'], '10.0.0.1, 10.0.0.9'], // sorted
  ])('normalizes %j to %s', (specs, expected) => {
    expect(formatSet(set(...specs))).toBe(expected);
  });

  it.each([
    [['10.0.0.0/24'], ['10.0.0.10-10.0.0.19', '10.0.0.255'], '10.0.0.0-10.0.0.9, 10.0.0.20-10.0.0.254'],
    [['10.0.0.1-10.0.0.3'], ['10.0.0.0/24'], ''],
    [
      ['10.0.0.1-10.0.0.3', '10.0.0.7-10.0.0.9'],
      ['10.0.0.3-10.0.0.7'],
      '10.0.0.1-10.0.0.2, 10.0.0.8-10.0.0.9',
    ],
    [['10.0.0.1'], [], '10.0.0.1'],
  ])('%j minus %j = %s', (a, b, expected) => {
    expect(formatSet(subtractSets(set(...a), set(...b)))).toBe(expected);
  });

  it.each([
    [['10.0.0.10-10.0.0.50'], ['10.0.0.40-10.0.0.90'], '10.0.0.40-10.0.0.50'],
    [['10.0.0.0/28'], ['10.0.0.16/28'], ''],
    [['10.0.0.1', '10.0.0.5-10.0.0.9'], ['10.0.0.0/29'], '10.0.0.1, 10.0.0.5-10.0.0.7'],
  ])('%j overlaps %j in %s', (a, b, expected) => {
    expect(formatSet(intersectSets(set(...a), set(...b)))).toBe(expected);
  });

  it('does not overlap across families', () => {
    const six = addressSet(6, [{ from: 0n, to: 1n << 100n }]);
    expect(intersectSets(set('0.0.0.0/0'), six).intervals).toEqual([]);
  });

  it('finds the lowest free address like FindFreeAddress', () => {
    const s = set('10.0.0.2-10.0.0.4', '10.0.0.10');
    expect(formatIp(4, lowestFree(s, [])!)).toBe('10.0.0.2');
    expect(formatIp(4, lowestFree(s, [v4('10.0.0.2'), v4('10.0.0.3')])!)).toBe('10.0.0.4');
    expect(
      formatIp(4, lowestFree(s, [v4('10.0.0.1'), v4('10.0.0.2'), v4('10.0.0.3'), v4('10.0.0.4')])!),
    ).toBe('10.0.0.10');
    expect(lowestFree(s, [v4('10.0.0.2'), v4('10.0.0.3'), v4('10.0.0.4'), v4('10.0.0.10')])).toBeUndefined();
  });

  it('tests membership by binary search', () => {
    const s = set('10.0.0.2-10.0.0.4', '10.0.0.10', '10.0.1.0/24');
    expect(setContains(s, parseIp('10.0.0.3')!)).toBe(true);
    expect(setContains(s, parseIp('10.0.0.5')!)).toBe(false);
    expect(setContains(s, parseIp('10.0.1.200')!)).toBe(true);
    expect(setContains(s, parseIp('::a00:3')!)).toBe(false);
  });
});

describe('buildPoolSpace (in-cluster provider semantics)', () => {
  it.each([
    {
      name: 'TKG sample: range + singles, gateway outside the ranges',
      spec: {
        addresses: ['10.10.10.2-10.10.10.100', '10.10.10.102', '10.10.10.104'],
        prefix: 24,
        gateway: '10.10.10.1',
      },
      allocatable: '10.10.10.2-10.10.10.100, 10.10.10.102, 10.10.10.104',
      total: 101n,
    },
    {
      name: 'CIDR loses network, broadcast and gateway',
      spec: { addresses: ['10.0.0.0/24'], prefix: 24, gateway: '10.0.0.1' },
      allocatable: '10.0.0.2-10.0.0.254',
      total: 253n,
    },
    {
      name: 'allocateReservedIPAddresses keeps network and broadcast',
      spec: {
        addresses: ['10.0.0.0/24'],
        prefix: 24,
        gateway: '10.0.0.1',
        allocateReservedIPAddresses: true,
      },
      allocatable: '10.0.0.0, 10.0.0.2-10.0.0.255',
      total: 255n,
    },
    {
      name: 'excludedAddresses in all three forms',
      spec: {
        addresses: ['10.0.0.0/24'],
        prefix: 24,
        excludedAddresses: ['10.0.0.10-10.0.0.19', '10.0.0.128/25', '10.0.0.5'],
      },
      allocatable: '10.0.0.1-10.0.0.4, 10.0.0.6-10.0.0.9, 10.0.0.20-10.0.0.127',
      total: 116n,
    },
    {
      name: 'reserved addresses come from the first address and prefix, not each range',
      spec: { addresses: ['10.0.1.0-10.0.1.10', '10.0.0.255'], prefix: 23 },
      allocatable: '10.0.0.255-10.0.1.10',
      total: 12n,
    },
    {
      name: 'IPv6: only the subnet-router anycast address is reserved',
      spec: { addresses: ['2001:db8::/120'], prefix: 120, gateway: '2001:db8::1' },
      allocatable: '2001:db8::2-2001:db8::ff',
      total: 254n,
    },
    {
      name: 'IPv6 /64 counts in bigint',
      spec: { addresses: ['fd00::/64'], prefix: 64 },
      allocatable: 'fd00::1-fd00::ffff:ffff:ffff:ffff',
      total: (1n << 64n) - 1n,
    },
  ])('$name', ({ spec, allocatable, total }) => {
    const result = buildPoolSpace(spec);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(formatSet(result.space.allocatable)).toBe(allocatable);
    expect(result.space.total).toBe(total);
    expect(countAddresses(result.space.allocatable)).toBe(total);
  });

  it.each([
    [{ addresses: [], prefix: 24 }, 'spec.addresses is empty'],
    [{ addresses: ['10.0.0.1', '2001:db8::1'], prefix: 24 }, 'mixes IPv4 and IPv6'],
    [{ addresses: ['10.0.0.1'] }, 'prefix (missing)'],
    [{ addresses: ['10.0.0.1'], prefix: 40 }, 'not a valid IPv4 prefix'],
    [{ addresses: ['10.0.0.1'], prefix: 24, gateway: 'router' }, 'gateway "router"'],
    [{ addresses: ['10.0.0.1'], prefix: 24, gateway: '2001:db8::1' }, 'is not IPv4'],
    [{ addresses: ['10.0.0.1-10.0.0'], prefix: 24 }, 'spec.addresses'],
  ])('%j is invalid: %s', (spec, message) => {
    const result = buildPoolSpace(spec);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(message);
  });

  it('warns about addresses outside the subnet of the first address', () => {
    const result = buildPoolSpace({ addresses: ['10.0.0.10-10.0.0.20', '10.0.5.1'], prefix: 24 });
    expect(result.ok && result.space.warnings).toEqual([
      "addresses 10.0.5.1 are outside the pool's subnet 10.0.0.0/24",
    ]);
  });

  it('gateway containment uses the subnet', () => {
    const result = buildPoolSpace({
      addresses: ['192.168.10.2-192.168.10.50'],
      prefix: 24,
      gateway: '192.168.11.1',
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const gw = result.space.gateway!.value;
    const prefix = parsePrefix('192.168.10.0/24')!;
    expect(result.space.subnet).toEqual(prefix);
    expect(gw > v4('192.168.10.255')).toBe(true);
  });
});

describe('v1alpha1 → v1alpha2 conversion (start/end/subnet)', () => {
  it.each([
    [
      'start/end + prefix',
      { start: '10.0.0.10', end: '10.0.0.20', prefix: 24, gateway: '10.0.0.1' },
      { addresses: ['10.0.0.10-10.0.0.20'], prefix: 24, gateway: '10.0.0.1' },
    ],
    [
      'subnet only: first+1 .. last-1, prefix from the subnet',
      { subnet: '10.0.0.0/24', gateway: '10.0.0.1' },
      { addresses: ['10.0.0.1-10.0.0.254'], prefix: 24, gateway: '10.0.0.1' },
    ],
    [
      'subnet with start: end defaults to last-1',
      { subnet: '10.0.0.0/28', start: '10.0.0.5' },
      { addresses: ['10.0.0.5-10.0.0.14'], prefix: 28, gateway: undefined },
    ],
    [
      'explicit prefix wins over the subnet',
      { subnet: '10.0.0.0/28', prefix: 24 },
      { addresses: ['10.0.0.1-10.0.0.14'], prefix: 24, gateway: undefined },
    ],
    [
      'addresses kept, start-end appended',
      { addresses: ['10.0.0.200'], start: '10.0.0.10', end: '10.0.0.11', prefix: 24 },
      { addresses: ['10.0.0.200', '10.0.0.10-10.0.0.11'], prefix: 24, gateway: undefined },
    ],
    [
      'start without end and no subnet adds nothing',
      { start: '10.0.0.10', prefix: 24 },
      { addresses: [], prefix: 24, gateway: undefined },
    ],
    [
      'IPv6 subnet',
      { subnet: '2001:db8::/124' },
      { addresses: ['2001:db8::1-2001:db8::e'], prefix: 124, gateway: undefined },
    ],
  ])('%s', (_name, input, expected) => {
    expect(convertV1alpha1PoolSpec(input)).toEqual(expected);
  });

  it('reports a bad subnet', () => {
    expect(convertV1alpha1PoolSpec({ subnet: '10.0.0.0/99' }).error).toContain('not a CIDR');
  });
});
