import {
  type PortgroupRecord,
  type PortRecord,
  type PortSettingRecord,
  SECURITY_SETTINGS,
  type SecuritySetting,
  type SwitchRecord,
} from './types.js';

/**
 * Effective security settings of a portgroup: its own `defaultPortConfig`, else (inherited) its switch's
 * `defaultPortConfig`, else vSphere's default for distributed switches (Reject). macManagementPolicy
 * (API 6.7+) wins over the deprecated securityPolicy when a level states it.
 */

export type PolicyShape = 'macManagementPolicy' | 'securityPolicy';

/** What one level (switch, portgroup or port) states for one setting; undefined = it inherits. */
export interface StatedValue {
  readonly accept: boolean;
  readonly policy: PolicyShape;
}

export function statedValue(
  setting: PortSettingRecord | undefined,
  name: SecuritySetting,
): StatedValue | undefined {
  const mm = setting?.macManagementPolicy;
  if (mm && mm.inherited !== true) {
    const value = mm[name];
    if (typeof value === 'boolean') return { accept: value, policy: 'macManagementPolicy' };
  } else if (mm && mm.inherited === true) {
    return undefined;
  }
  const sp = setting?.securityPolicy;
  if (!sp || sp.inherited === true) return undefined;
  const bp = sp[name];
  if (!bp || bp.inherited === true || typeof bp.value !== 'boolean') return undefined;
  return { accept: bp.value, policy: 'securityPolicy' };
}

export type SettingOrigin =
  | { readonly level: 'portgroup'; readonly policy: PolicyShape }
  | { readonly level: 'switch'; readonly policy: PolicyShape; readonly switchName: string }
  /** Nobody states it: vSphere's default for a distributed portgroup is Reject. */
  | { readonly level: 'default'; readonly why: string };

export interface ResolvedSetting {
  readonly setting: SecuritySetting;
  /** true = Accept, false = Reject (stated or the vSphere default). */
  readonly accept: boolean;
  readonly origin: SettingOrigin;
}

/** Words for where a value comes from, for details and the checklist. */
export function describeOrigin(origin: SettingOrigin): string {
  switch (origin.level) {
    case 'portgroup':
      return `set on the portgroup (${origin.policy})`;
    case 'switch':
      return `inherited from switch ${origin.switchName} (${origin.policy})`;
    case 'default':
      return `not stated (${origin.why}); vSphere's default is Reject`;
  }
}

export function resolveSetting(
  portgroup: PortgroupRecord,
  sw: SwitchRecord | undefined,
  name: SecuritySetting,
): ResolvedSetting {
  const own = statedValue(portgroup.defaultPortConfig, name);
  if (own) return { setting: name, accept: own.accept, origin: { level: 'portgroup', policy: own.policy } };
  if (!sw) {
    const why = portgroup.switchMoid
      ? `switch ${portgroup.switchMoid} is not in the inventory`
      : 'the portgroup names no switch';
    return { setting: name, accept: false, origin: { level: 'default', why } };
  }
  const inherited = statedValue(sw.defaultPortConfig, name);
  if (inherited) {
    return {
      setting: name,
      accept: inherited.accept,
      origin: { level: 'switch', policy: inherited.policy, switchName: sw.name },
    };
  }
  return {
    setting: name,
    accept: false,
    origin: { level: 'default', why: `neither the portgroup nor switch ${sw.name} states it` },
  };
}

export function resolvePortgroup(
  portgroup: PortgroupRecord,
  sw: SwitchRecord | undefined,
): ResolvedSetting[] {
  return SECURITY_SETTINGS.map((name) => resolveSetting(portgroup, sw, name));
}

export function overridesAllowed(portgroup: PortgroupRecord): boolean {
  return portgroup.securityPolicyOverrideAllowed === true || portgroup.macManagementOverrideAllowed === true;
}

/** A port whose own setting is Accept where its portgroup resolves to Reject. */
export interface PortOverride {
  readonly port: string;
  readonly settings: readonly SecuritySetting[];
}

export function acceptingPortOverrides(
  portgroup: PortgroupRecord,
  resolved: readonly ResolvedSetting[],
  ports: readonly PortRecord[],
): PortOverride[] {
  const key = portgroup.key ?? portgroup.moid;
  const out: PortOverride[] = [];
  for (const port of ports) {
    if (port.portgroupKey !== key) continue;
    const settings = resolved
      .filter((r) => !r.accept && statedValue(port.setting, r.setting)?.accept === true)
      .map((r) => r.setting);
    if (settings.length > 0) out.push({ port: port.key, settings });
  }
  return out.sort((a, b) => a.port.localeCompare(b.port, undefined, { numeric: true }));
}
