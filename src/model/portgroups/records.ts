import type {
  BoolPolicyRecord,
  MacManagementPolicyRecord,
  PortgroupRecord,
  PortRecord,
  PortSettingRecord,
  SecurityPolicyRecord,
  SwitchRecord,
} from './types.js';

/**
 * Builds slim records from loosely typed vim25 data: objects parsed from SOAP XML (strings for every
 * leaf, `#text`/`@_type` for references) or govc JSON (booleans, `{type, value}` references, keys
 * already camelCased). One builder for both, so live and offline give the same verdicts.
 */

/** One managed object with the properties collected for it, keyed by property path (`config.policy`). */
export interface RawManagedObject {
  readonly type: string;
  readonly moid: string;
  readonly props: Readonly<Record<string, unknown>>;
}

type Loose = Record<string, unknown>;

function isObject(value: unknown): value is Loose {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `true`/`false` as JSON booleans or XML text. Anything else is "not stated". */
export function asBool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (isObject(value) && '#text' in value) return asBool(value['#text']);
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  return undefined;
}

export function asString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (isObject(value) && '#text' in value) return asString(value['#text']);
  return undefined;
}

/** The moid of a ManagedObjectReference: XML `<x type="T">moid</x>` or JSON `{type, value}`. */
export function moidOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (isObject(value)) {
    if ('#text' in value) return asString(value['#text']);
    if ('value' in value) return asString(value.value);
  }
  return undefined;
}

/** A property by path: collected as itself (`config.policy`) or inside a parent that was collected whole (`config`). */
export function propertyAt(props: Readonly<Record<string, unknown>>, path: string): unknown {
  if (path in props) return props[path];
  const parts = path.split('.');
  for (let cut = parts.length - 1; cut > 0; cut--) {
    const head = parts.slice(0, cut).join('.');
    if (!(head in props)) continue;
    let value: unknown = props[head];
    for (const part of parts.slice(cut)) {
      if (!isObject(value)) return undefined;
      value = value[part];
    }
    return value;
  }
  return undefined;
}

function boolPolicy(value: unknown): BoolPolicyRecord | undefined {
  if (!isObject(value)) return undefined;
  return { inherited: asBool(value.inherited), value: asBool(value.value) };
}

function securityPolicy(value: unknown): SecurityPolicyRecord | undefined {
  if (!isObject(value)) return undefined;
  return {
    inherited: asBool(value.inherited),
    allowPromiscuous: boolPolicy(value.allowPromiscuous),
    macChanges: boolPolicy(value.macChanges),
    forgedTransmits: boolPolicy(value.forgedTransmits),
  };
}

function macManagementPolicy(value: unknown): MacManagementPolicyRecord | undefined {
  if (!isObject(value)) return undefined;
  return {
    inherited: asBool(value.inherited),
    allowPromiscuous: asBool(value.allowPromiscuous),
    macChanges: asBool(value.macChanges),
    forgedTransmits: asBool(value.forgedTransmits),
  };
}

/** The security part of a VMwareDVSPortSetting; undefined when neither policy is there. */
export function portSetting(value: unknown): PortSettingRecord | undefined {
  if (!isObject(value)) return undefined;
  const sp = securityPolicy(value.securityPolicy);
  const mm = macManagementPolicy(value.macManagementPolicy);
  if (!sp && !mm) return {};
  return { ...(sp ? { securityPolicy: sp } : {}), ...(mm ? { macManagementPolicy: mm } : {}) };
}

function moidList(value: unknown): string[] {
  // XML: <val xsi:type="ArrayOfManagedObjectReference"><ManagedObjectReference .../>...</val>; JSON: [{type,value}]
  // XML and PascalCase JSON name the inner list ManagedObjectReference; camelCase JSON managedObjectReference.
  const inner = isObject(value) ? (value.ManagedObjectReference ?? value.managedObjectReference) : undefined;
  const items = Array.isArray(value)
    ? value
    : inner !== undefined && inner !== null
      ? ([] as unknown[]).concat(inner)
      : [];
  return items.map(moidOf).filter((m): m is string => m !== undefined);
}

export function toSwitchRecord(obj: RawManagedObject): SwitchRecord {
  const config = obj.props;
  return {
    moid: obj.moid,
    name: asString(config.name) ?? asString(propertyAt(config, 'config.name')) ?? obj.moid,
    uuid: asString(config.uuid) ?? asString(propertyAt(config, 'config.uuid')),
    defaultPortConfig: portSetting(propertyAt(config, 'config.defaultPortConfig')),
    uplinkPortgroups: moidList(propertyAt(config, 'config.uplinkPortgroup')),
  };
}

export function toPortgroupRecord(obj: RawManagedObject): PortgroupRecord {
  const props = obj.props;
  const policy = propertyAt(props, 'config.policy');
  return {
    moid: obj.moid,
    name: asString(props.name) ?? asString(propertyAt(props, 'config.name')) ?? obj.moid,
    key: asString(propertyAt(props, 'config.key')),
    switchMoid: moidOf(propertyAt(props, 'config.distributedVirtualSwitch')),
    defaultPortConfig: portSetting(propertyAt(props, 'config.defaultPortConfig')),
    securityPolicyOverrideAllowed: isObject(policy)
      ? asBool(policy.securityPolicyOverrideAllowed)
      : undefined,
    macManagementOverrideAllowed: isObject(policy) ? asBool(policy.macManagementOverrideAllowed) : undefined,
  };
}

/** One DistributedVirtualPort from FetchDVPorts. */
export function toPortRecord(value: unknown): PortRecord | undefined {
  if (!isObject(value)) return undefined;
  const key = asString(value.key);
  if (key === undefined) return undefined;
  const config = isObject(value.config) ? value.config : {};
  return { key, portgroupKey: asString(value.portgroupKey), setting: portSetting(config.setting) };
}

/** Lower-cases the first letter of every key, so govc's PascalCase (before v0.31) reads like its camelCase. */
export function camelCaseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelCaseKeys);
  if (!isObject(value)) return value;
  const out: Loose = {};
  for (const [key, inner] of Object.entries(value)) {
    const camel = /^[A-Z][a-z]/.test(key) ? key.charAt(0).toLowerCase() + key.slice(1) : key;
    out[camel] = camelCaseKeys(inner);
  }
  return out;
}
