import { describe, expect, it } from 'vitest';
import {
  acceptingPortOverrides,
  describeOrigin,
  overridesAllowed,
  resolvePortgroup,
  resolveSetting,
  statedValue,
} from '../../../src/model/portgroups/resolve.js';
import type {
  PortgroupRecord,
  PortSettingRecord,
  SwitchRecord,
} from '../../../src/model/portgroups/types.js';

const bp = (value?: boolean, inherited = false) => ({ inherited, value });
const sec = (p?: boolean, m?: boolean, f?: boolean, inherited = false): PortSettingRecord => ({
  securityPolicy: { inherited, allowPromiscuous: bp(p), macChanges: bp(m), forgedTransmits: bp(f) },
});
const mm = (p?: boolean, m?: boolean, f?: boolean, inherited = false): PortSettingRecord => ({
  macManagementPolicy: { inherited, allowPromiscuous: p, macChanges: m, forgedTransmits: f },
});

describe('statedValue (one level: switch, portgroup or port)', () => {
  it.each([
    ['securityPolicy BoolPolicy', sec(true, false, false), { accept: true, policy: 'securityPolicy' }],
    ['macManagementPolicy boolean', mm(true, false, false), { accept: true, policy: 'macManagementPolicy' }],
    [
      'macManagementPolicy wins when both disagree',
      { ...sec(true, false, false), ...mm(false, false, false) },
      { accept: false, policy: 'macManagementPolicy' },
    ],
    [
      'macManagementPolicy inherited: the level inherits',
      { ...sec(true), ...mm(false, false, false, true) },
      undefined,
    ],
    ['securityPolicy inherited as a whole', sec(true, true, true, true), undefined],
    [
      'the BoolPolicy says inherited',
      { securityPolicy: { inherited: false, allowPromiscuous: bp(true, true) } },
      undefined,
    ],
    [
      'a BoolPolicy without value',
      { securityPolicy: { inherited: false, allowPromiscuous: { inherited: false } } },
      undefined,
    ],
    [
      'macManagementPolicy without this field falls back to securityPolicy',
      { ...sec(true), macManagementPolicy: { inherited: false } },
      { accept: true, policy: 'securityPolicy' },
    ],
    ['nothing', {}, undefined],
    ['no setting at all', undefined, undefined],
  ] as const)('%s', (_name, setting, expected) => {
    expect(statedValue(setting as PortSettingRecord | undefined, 'allowPromiscuous')).toEqual(expected);
  });
});

const sw = (defaultPortConfig?: PortSettingRecord): SwitchRecord => ({
  moid: 'dvs-21',
  name: 'DSwitch',
  defaultPortConfig,
});
const pg = (
  defaultPortConfig?: PortSettingRecord,
  extra: Partial<PortgroupRecord> = {},
): PortgroupRecord => ({
  moid: 'dvportgroup-22',
  key: 'dvportgroup-22',
  name: 'tkg-pg',
  switchMoid: 'dvs-21',
  defaultPortConfig,
  ...extra,
});

describe('resolveSetting (portgroup, then its switch, then the vSphere default)', () => {
  it.each([
    ['stated on the portgroup', pg(sec(true)), sw(sec(false)), true, 'set on the portgroup (securityPolicy)'],
    [
      'inherited from the switch',
      pg(sec(undefined, undefined, undefined, true)),
      sw(mm(true)),
      true,
      'inherited from switch DSwitch (macManagementPolicy)',
    ],
    [
      'portgroup Reject beats switch Accept',
      pg(mm(false)),
      sw(mm(true)),
      false,
      'set on the portgroup (macManagementPolicy)',
    ],
    [
      'nobody states it',
      pg(undefined),
      sw(undefined),
      false,
      "not stated (neither the portgroup nor switch DSwitch states it); vSphere's default is Reject",
    ],
    [
      'the switch is not in the inventory',
      pg(undefined),
      undefined,
      false,
      "not stated (switch dvs-21 is not in the inventory); vSphere's default is Reject",
    ],
  ] as const)('%s', (_name, portgroup, theSwitch, accept, origin) => {
    const r = resolveSetting(portgroup, theSwitch, 'allowPromiscuous');
    expect(r.accept).toBe(accept);
    expect(describeOrigin(r.origin)).toBe(origin);
  });

  it('resolves the three settings independently', () => {
    const r = resolvePortgroup(
      pg({ securityPolicy: { inherited: false, macChanges: bp(true) } }),
      sw(mm(false, false, true)),
    );
    expect(r.map((s) => [s.setting, s.accept, s.origin.level])).toEqual([
      ['allowPromiscuous', false, 'switch'],
      ['macChanges', true, 'portgroup'],
      ['forgedTransmits', true, 'switch'],
    ]);
  });
});

describe('port overrides', () => {
  it('overridesAllowed reads both policy flags', () => {
    expect(overridesAllowed(pg())).toBe(false);
    expect(overridesAllowed(pg(undefined, { securityPolicyOverrideAllowed: true }))).toBe(true);
    expect(overridesAllowed(pg(undefined, { macManagementOverrideAllowed: true }))).toBe(true);
  });

  it('flags only ports of this portgroup that set Accept where the portgroup resolves to Reject', () => {
    const portgroup = pg(mm(false, false, true));
    const resolved = resolvePortgroup(portgroup, sw());
    const ports = [
      { key: '10', portgroupKey: 'dvportgroup-22', setting: mm(false, false, true) }, // same as the portgroup
      { key: '11', portgroupKey: 'dvportgroup-22', setting: mm(true, true, true) }, // overrides two
      { key: '12', portgroupKey: 'dvportgroup-99', setting: mm(true, true, true) }, // another portgroup
      { key: '9', portgroupKey: 'dvportgroup-22', setting: sec(true, undefined, undefined) }, // old shape
      {
        key: '13',
        portgroupKey: 'dvportgroup-22',
        setting: { macManagementPolicy: { inherited: true, allowPromiscuous: true } },
      },
      { key: '14', portgroupKey: 'dvportgroup-22' },
    ];
    expect(acceptingPortOverrides(portgroup, resolved, ports)).toEqual([
      { port: '9', settings: ['allowPromiscuous'] },
      { port: '11', settings: ['allowPromiscuous', 'macChanges'] },
    ]);
  });
});
