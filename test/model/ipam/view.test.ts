import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { DEFAULT_CONFIG } from '../../../src/model/config.js';
import { compareFindings } from '../../../src/model/finding.js';
import { evaluateIpam } from '../../../src/model/ipam/evaluate.js';
import { ipamDataFromObjects } from '../../../src/model/ipam/records.js';
import { ipamView, usageBar } from '../../../src/model/ipam/view.js';

const root = join(import.meta.dirname, '../../..');
const NOW = new Date('2026-03-01T12:00:00Z');

describe('ipam view', () => {
  const objects = (
    YAML.parse(readFileSync(join(root, 'fixtures/ipam/scenario.yaml'), 'utf8')) as { items: [] }
  ).items;
  const data = ipamDataFromObjects(objects);
  // The session hands views the findings sorted, worst first.
  const findings = evaluateIpam(data, NOW).sort(compareFindings);
  const [chain, pools] = ipamView({
    data,
    state: { status: 'ready', data },
    findings,
    snapshot: {},
    config: DEFAULT_CONFIG,
    now: NOW,
  });

  it('shows one chain row per VM device pool entry with its state and findings', () => {
    expect(chain?.rows.map((r) => [r.cells.vm, r.cells.address, r.cells.state, r.severity])).toEqual([
      ['default/wc-1-cp-abc12', '10.10.10.2/24', 'bound', 'fail'],
      ['default/wc-1-md-0-a', '10.10.10.3/24', 'bound', 'fail'],
      ['default/wc-1-md-0-b', '10.10.10.4/24', 'duplicate address', 'fail'],
      ['default/wc-1-md-0-c', '10.10.10.101/24', 'out of pool range', 'fail'],
      ['default/wc-1-md-0-d', '10.10.10.5/24', 'bound', 'fail'],
      ['tenant-a/wc-2-cp-0', '10.30.0.10/24', 'bound', 'fail'],
      ['tenant-a/wc-2-cp-1', '10.30.0.11/24', 'bound', 'fail'],
      ['tenant-a/wc-2-md-0-a', '10.10.10.4/24', 'duplicate address', 'fail'],
      ['tenant-a/wc-2-md-0-b', '-', 'pending', 'fail'],
      ['tenant-a/wc-2-md-0-c', '-', 'pool missing', 'fail'],
      ['tenant-b/wc-3-cp-0', 'fd00:10:20::10/64', 'bound', 'pass'],
    ]);
    // A healthy VM row still points at its own pass and at its pool's overlap finding.
    expect(chain?.rows[0]?.findingKeys).toEqual([
      'IPAM-104|InClusterIPPool/default/inclusterippool//',
      'IPAM-107|InClusterIPPool/default/inclusterippool//',
      'IPAM-001|VSphereVM/default/wc-1-cp-abc12//',
    ]);
    expect(chain?.footer).toContain('11 of 11 VSphereVMs take addresses from pools');
  });

  it('shows pools with computed counts, a usage bar, the next address and a differing provider status', () => {
    const row = pools?.rows.find((r) => r.cells.name === 'default/inclusterippool');
    expect(row?.cells).toEqual({
      kind: 'namespaced',
      name: 'default/inclusterippool',
      ranges: '10.10.10.2-10.10.10.100, 10.10.10.102, 10.10.10.104',
      counts: '101/5/96',
      usage: '[----------] 4%',
      next: '10.10.10.6',
      provider: '101/3/98',
    });
    expect(pools?.rows.find((r) => r.cells.name === 'tenant-a/small-pool')?.cells.next).toBe('none');
    expect(pools?.footer).toContain('1 overlapping pair(s)');
  });

  it.each([
    [0n, 10n, '[----------] 0%'],
    [5n, 10n, '[#####-----] 50%'],
    [11n, 12n, '[#########-] 91%'],
    [3n, 3n, '[##########] 100%'],
    [0n, 0n, '[!!!!!!!!!!] -'],
  ])('usage bar %i of %i', (used, total, bar) => {
    expect(usageBar(used, total)).toBe(bar);
  });
});
