import { type RawManagedObject, toPortRecord } from '../../model/portgroups/records.js';
import type { PortRecord } from '../../model/portgroups/types.js';
import { escapeXml, moref, type SoapTransport, VimFault } from './soap.js';

/**
 * The vim25 calls the portgroups probe makes, in order: RetrieveServiceContent (anonymous),
 * SessionManager.Login, ViewManager.CreateContainerView over the switches and portgroups,
 * PropertyCollector.RetrievePropertiesEx (+ ContinueRetrievePropertiesEx while a token comes back),
 * DestroyView, FetchDVPorts for switches whose portgroups allow overrides, SessionManager.Logout.
 */

type Loose = Record<string, unknown>;

export interface ManagedRef {
  readonly type: string;
  readonly moid: string;
}

export interface ServiceContent {
  readonly rootFolder: ManagedRef;
  readonly propertyCollector: ManagedRef;
  readonly viewManager: ManagedRef;
  readonly sessionManager: ManagedRef;
  readonly fullName?: string;
  readonly apiVersion?: string;
}

function refOf(value: unknown, what: string): ManagedRef {
  if (typeof value === 'object' && value !== null) {
    const v = value as Loose;
    const moid = v['#text'];
    const type = v['@_type'];
    if (typeof moid === 'string' && typeof type === 'string') return { type, moid };
  }
  throw new VimFault('ParseError', `vCenter's ServiceContent has no ${what}`);
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && typeof (value as Loose)['#text'] === 'string') {
    return (value as Loose)['#text'] as string;
  }
  return undefined;
}

export async function retrieveServiceContent(soap: SoapTransport): Promise<ServiceContent> {
  const res = await soap.call(
    'RetrieveServiceContent',
    `<urn:RetrieveServiceContent>${moref('_this', 'ServiceInstance', 'ServiceInstance')}</urn:RetrieveServiceContent>`,
  );
  const rv = (res.returnval ?? {}) as Loose;
  const about = (rv.about ?? {}) as Loose;
  return {
    rootFolder: refOf(rv.rootFolder, 'rootFolder'),
    propertyCollector: refOf(rv.propertyCollector, 'propertyCollector'),
    viewManager: refOf(rv.viewManager, 'viewManager'),
    sessionManager: refOf(rv.sessionManager, 'sessionManager'),
    fullName: text(about.fullName),
    apiVersion: text(about.apiVersion),
  };
}

export async function login(
  soap: SoapTransport,
  sc: ServiceContent,
  username: string,
  password: string,
): Promise<void> {
  await soap.call(
    'Login',
    `<urn:Login>${moref('_this', sc.sessionManager.type, sc.sessionManager.moid)}` +
      `<urn:userName>${escapeXml(username)}</urn:userName><urn:password>${escapeXml(password)}</urn:password></urn:Login>`,
  );
}

export async function logout(soap: SoapTransport, sc: ServiceContent): Promise<void> {
  await soap.call(
    'Logout',
    `<urn:Logout>${moref('_this', sc.sessionManager.type, sc.sessionManager.moid)}</urn:Logout>`,
  );
  soap.forgetSession();
}

export const PORTGROUP_PATHS = [
  'name',
  'config.key',
  'config.distributedVirtualSwitch',
  'config.defaultPortConfig',
  'config.policy',
] as const;
/**
 * vCenter's switches are VmwareDistributedVirtualSwitch; vcsim's are the base DistributedVirtualSwitch.
 * Both are asked for (an object matching both just gets its properties twice).
 */
export const SWITCH_TYPES = ['VmwareDistributedVirtualSwitch', 'DistributedVirtualSwitch'] as const;
export const SWITCH_PATHS = ['name', 'uuid', 'config.defaultPortConfig', 'config.uplinkPortgroup'] as const;

export interface RetrieveStats {
  pages: number;
}

/** Every VMware distributed switch and portgroup under the root folder, page by page. */
export async function retrieveSwitchesAndPortgroups(
  soap: SoapTransport,
  sc: ServiceContent,
  maxObjects: number,
  stats: RetrieveStats = { pages: 0 },
): Promise<RawManagedObject[]> {
  const viewRes = await soap.call(
    'CreateContainerView',
    `<urn:CreateContainerView>${moref('_this', sc.viewManager.type, sc.viewManager.moid)}` +
      `${moref('container', sc.rootFolder.type, sc.rootFolder.moid)}` +
      '<urn:type>DistributedVirtualPortgroup</urn:type>' +
      SWITCH_TYPES.map((t) => `<urn:type>${t}</urn:type>`).join('') +
      '<urn:recursive>true</urn:recursive></urn:CreateContainerView>',
  );
  const view = text(viewRes.returnval);
  if (!view) throw new VimFault('ParseError', 'CreateContainerView returned no view');
  try {
    const propSet = (type: string, paths: readonly string[]) =>
      `<urn:propSet><urn:type>${type}</urn:type>${paths.map((p) => `<urn:pathSet>${p}</urn:pathSet>`).join('')}</urn:propSet>`;
    const spec =
      '<urn:specSet>' +
      propSet('DistributedVirtualPortgroup', PORTGROUP_PATHS) +
      SWITCH_TYPES.map((t) => propSet(t, SWITCH_PATHS)).join('') +
      `<urn:objectSet>${moref('obj', 'ContainerView', view)}<urn:skip>true</urn:skip>` +
      '<urn:selectSet xsi:type="urn:TraversalSpec"><urn:name>view</urn:name><urn:type>ContainerView</urn:type>' +
      '<urn:path>view</urn:path><urn:skip>false</urn:skip></urn:selectSet></urn:objectSet></urn:specSet>';
    const pc = moref('_this', sc.propertyCollector.type, sc.propertyCollector.moid);
    const objects: RawManagedObject[] = [];
    let res = await soap.call(
      'RetrievePropertiesEx',
      `<urn:RetrievePropertiesEx>${pc}${spec}<urn:options><urn:maxObjects>${maxObjects}</urn:maxObjects></urn:options></urn:RetrievePropertiesEx>`,
    );
    for (;;) {
      stats.pages += 1;
      const rv = (res.returnval ?? {}) as Loose;
      objects.push(...objectContents(rv.objects));
      const token = text(rv.token);
      if (!token) break;
      res = await soap.call(
        'ContinueRetrievePropertiesEx',
        `<urn:ContinueRetrievePropertiesEx>${pc}<urn:token>${escapeXml(token)}</urn:token></urn:ContinueRetrievePropertiesEx>`,
      );
    }
    return objects;
  } finally {
    await soap
      .call('DestroyView', `<urn:DestroyView>${moref('_this', 'ContainerView', view)}</urn:DestroyView>`)
      .catch(() => undefined);
  }
}

/** `returnval.objects[]` of RetrievePropertiesEx: `{obj, propSet[{name, val}]}`. */
export function objectContents(value: unknown): RawManagedObject[] {
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  const out: RawManagedObject[] = [];
  for (const item of list) {
    if (typeof item !== 'object' || item === null) continue;
    const oc = item as Loose;
    const obj = oc.obj as Loose | undefined;
    const moid = text(obj);
    const type = obj?.['@_type'];
    if (!moid || typeof type !== 'string') continue;
    const props: Record<string, unknown> = {};
    const propSet = Array.isArray(oc.propSet) ? oc.propSet : [];
    for (const p of propSet as Loose[]) {
      if (typeof p.name === 'string') props[p.name] = p.val;
    }
    out.push({ type, moid, props });
  }
  return out;
}

/** FetchDVPorts for the given portgroup keys of one switch (effective per-port settings). */
export async function fetchPorts(
  soap: SoapTransport,
  sw: ManagedRef,
  portgroupKeys: readonly string[],
): Promise<PortRecord[]> {
  const res = await soap.call(
    'FetchDVPorts',
    `<urn:FetchDVPorts>${moref('_this', sw.type, sw.moid)}<urn:criteria>` +
      portgroupKeys.map((k) => `<urn:portgroupKey>${escapeXml(k)}</urn:portgroupKey>`).join('') +
      '<urn:inside>true</urn:inside></urn:criteria></urn:FetchDVPorts>',
  );
  const list = Array.isArray(res.returnval) ? res.returnval : [];
  return list
    .map(toPortRecord)
    .filter(
      (p): p is PortRecord =>
        p !== undefined && (p.portgroupKey === undefined || portgroupKeys.includes(p.portgroupKey)),
    );
}
