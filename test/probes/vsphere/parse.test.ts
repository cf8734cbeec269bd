import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../src/model/config.js';
import { toPortgroupRecord, toPortRecord, toSwitchRecord } from '../../../src/model/portgroups/records.js';
import { toClusterVm, toWindowsNode } from '../../../src/probes/vsphere/cluster.js';
import {
  InventoryFileError,
  parseGovcInventory,
  splitJsonDocuments,
} from '../../../src/probes/vsphere/govc.js';
import { planSource, sdkUrl } from '../../../src/probes/vsphere/index.js';
import { objectContents } from '../../../src/probes/vsphere/live.js';
import { envelope, escapeXml, readSoapResponse, VimFault } from '../../../src/probes/vsphere/soap.js';

const FIXTURES = join(import.meta.dirname, '../../../fixtures/vsphere');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');

describe('SOAP answers (captured from vcsim)', () => {
  it('RetrievePropertiesEx: objects, typed values, XML entities and the paging token', () => {
    const res = readSoapResponse('RetrievePropertiesEx', fixture('vcsim-retrieve-properties-ex.xml'));
    const rv = res.returnval as Record<string, unknown>;
    expect(rv.token).toBe('page-1');
    const objects = objectContents(rv.objects);
    expect(objects.map((o) => `${o.type}:${o.moid}`)).toEqual([
      'DistributedVirtualSwitch:dvs-59',
      'DistributedVirtualPortgroup:dvportgroup-61',
    ]);
    const sw = toSwitchRecord(objects[0]!);
    expect(sw).toEqual({
      moid: 'dvs-59',
      name: 'DSwitch & Co',
      uuid: '2858c3d0-7a46-58a7-b94e-4df97c5ec570',
      defaultPortConfig: {
        securityPolicy: {
          inherited: false,
          allowPromiscuous: { inherited: false, value: true },
          macChanges: { inherited: false, value: false },
          forgedTransmits: { inherited: false, value: false },
        },
      },
      uplinkPortgroups: [],
    });
    const pg = toPortgroupRecord(objects[1]!);
    expect(pg).toMatchObject({
      moid: 'dvportgroup-61',
      name: 'DSwitch & Co-DVUplinks-59',
      key: 'dvportgroup-61',
      switchMoid: 'dvs-59',
    });
    expect(pg.defaultPortConfig).toEqual({});
    expect(pg.securityPolicyOverrideAllowed).toBe(false);
  });

  it('FetchDVPorts: per-port settings with their portgroup key', () => {
    const res = readSoapResponse('FetchDVPorts', fixture('vcsim-fetch-dv-ports.xml'));
    const ports = (res.returnval as unknown[]).map(toPortRecord);
    expect(ports.map((p) => `${p?.portgroupKey}/${p?.key}`)).toEqual([
      'dvportgroup-63/0',
      'dvportgroup-63/1',
    ]);
    expect(ports[1]?.setting?.macManagementPolicy).toEqual({
      inherited: false,
      allowPromiscuous: true,
      macChanges: false,
      forgedTransmits: true,
    });
    expect(ports[0]?.setting?.securityPolicy?.inherited).toBe(true);
  });

  it('a SOAP fault becomes a VimFault with the vim25 fault type', () => {
    let error: unknown;
    try {
      readSoapResponse('Login', fixture('vcsim-login-fault.xml'));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(VimFault);
    expect((error as VimFault).faultType).toBe('InvalidLogin');
    expect((error as VimFault).message).toBe('Login: InvalidLogin: Login failure');
  });

  it.each([
    ['not XML at all', 'HTTP/1.1 oops <<<', /has no SOAP body|not XML/],
    ['no body', '<?xml version="1.0"?><a/>', /has no SOAP body/],
    ['another method', envelope('<FooResponse/>'), /has no LoginResponse/],
    [
      'a DTD (entity expansion)',
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>&a;</soapenv:Body></soapenv:Envelope>',
      /carries a DTD/,
    ],
  ])('%s is a ParseError, never a crash', (_name, text, message) => {
    expect(() => readSoapResponse('Login', text)).toThrow(message);
  });

  it('escapes what goes into a request', () => {
    expect(escapeXml(`a<b>&"c'`)).toBe('a&lt;b&gt;&amp;&quot;c&apos;');
  });
});

describe('govc JSON (offline inventory)', () => {
  it('splits concatenated, pretty-printed and array documents', () => {
    expect(splitJsonDocuments('{"a":1}\n{"b":"}{"}\n[{"c":2}]')).toEqual([{ a: 1 }, { b: '}{' }, [{ c: 2 }]]);
    expect(splitJsonDocuments('{\n  "a": {\n    "b": "\\"x"\n  }\n}\n{"c":1}')).toEqual([
      { a: { b: '"x' } },
      { c: 1 },
    ]);
  });

  it.each([
    ['cut short', '{"a":1}\n{"b":', /ends inside a JSON document/],
    ['text', 'govc: no such object', /unexpected "g"/],
    ['broken JSON', '{"a":,}', /not valid JSON/],
  ])('rejects %s with a reason', (_name, text, message) => {
    expect(() => splitJsonDocuments(text)).toThrow(InventoryFileError);
    expect(() => splitJsonDocuments(text)).toThrow(message);
  });

  it('reads govc < 0.31 (PascalCase) and >= 0.31 (camelCase) output of the same vCenter into the same records', () => {
    const pascal = parseGovcInventory(fixture('govc-0.24-pascal.json'));
    const camel = parseGovcInventory(fixture('govc-0.31-camel.json'));
    expect(pascal.casing).toBe('PascalCase');
    expect(camel.casing).toBe('camelCase');
    expect(camel.inventory.portgroups).toEqual(pascal.inventory.portgroups);
    expect(camel.inventory.portgroups.map((p) => p.name).sort()).toEqual([
      'DSwitch-tkg-DVUplinks-59',
      'tkg-mgmt-pg',
      'tkg-workload-pg',
      'vm-network-legacy',
    ]);
    const workload = camel.inventory.portgroups.find((p) => p.name === 'tkg-workload-pg');
    expect(workload?.defaultPortConfig?.macManagementPolicy).toEqual({
      inherited: false,
      allowPromiscuous: true,
      macChanges: false,
      forgedTransmits: false,
    });
    // The fixture (like vCenter) lists the uplink portgroup on the switch; vcsim leaves it empty.
    expect(camel.inventory.switches[0]?.uplinkPortgroups).toEqual(['dvportgroup-61']);
    expect(pascal.inventory.switches[0]?.uplinkPortgroups).toEqual([]);
    expect({ ...camel.inventory.switches[0], uplinkPortgroups: [] }).toEqual(pascal.inventory.switches[0]);
    expect(camel.inventory.ports.status).toBe('read');
    expect(camel.inventory.ports.items).toEqual(pascal.inventory.ports.items);
    expect(camel.inventory.ports.items.length).toBe(20);
  });

  it('merges several collects of one object and says when there is no port data', () => {
    const text = [
      '{"kind":"enter","obj":{"type":"DistributedVirtualPortgroup","value":"dvportgroup-9"},"changeSet":[{"name":"name","op":"assign","val":"pg"}]}',
      '{"Kind":"enter","Obj":{"Type":"DistributedVirtualPortgroup","Value":"dvportgroup-9"},"ChangeSet":[{"Name":"config.policy","Op":"assign","Val":{"SecurityPolicyOverrideAllowed":true}}]}',
    ].join('\n');
    const parsed = parseGovcInventory(text);
    expect(parsed.casing).toBe('mixed');
    expect(parsed.inventory.portgroups).toEqual([
      expect.objectContaining({ moid: 'dvportgroup-9', name: 'pg', securityPolicyOverrideAllowed: true }),
    ]);
    expect(parsed.inventory.ports).toMatchObject({
      status: 'unavailable',
      reason: expect.stringContaining('dvs.portgroup.info'),
    });
  });
});

describe('where the probe reads from', () => {
  const withVsphere = (vsphere: Record<string, unknown>) => ({
    ...DEFAULT_CONFIG,
    vsphere: { passwordEnv: 'VSPHERE_PASSWORD', insecure: false, ...vsphere },
  });

  it.each([
    [
      'inventory file wins over the server',
      withVsphere({ server: 'vc', inventoryFile: '/x.json' }),
      undefined,
      { kind: 'file', path: '/x.json' },
    ],
    ['a live vCenter', withVsphere({ server: 'vc' }), undefined, { kind: 'vcenter' }],
    ['no [vsphere]', DEFAULT_CONFIG, undefined, { kind: 'none' }],
    ['a dump never dials vCenter', withVsphere({ server: 'vc' }), '/nonexistent-dump', { kind: 'none' }],
    [
      'a dump with vsphere/inventory.json',
      DEFAULT_CONFIG,
      join(FIXTURES, 'dump'),
      { kind: 'file', path: join(FIXTURES, 'dump/vsphere/inventory.json') },
    ],
  ])('%s', (_name, config, dumpDir, expected) => {
    expect(planSource({ config: config as typeof DEFAULT_CONFIG, dumpDir })).toMatchObject(expected);
  });

  it.each([
    ['vc.example.internal', 'https://vc.example.internal/sdk'],
    ['vc.example.internal:8443', 'https://vc.example.internal:8443/sdk'],
    ['https://10.0.0.5/sdk', 'https://10.0.0.5/sdk'],
    ['https://10.0.0.5/', 'https://10.0.0.5/sdk'],
  ])('server %s -> %s', (server, url) => {
    expect(sdkUrl(server).toString()).toBe(url);
  });

  it('refuses plain http and credentials in the URL', () => {
    expect(() => sdkUrl('http://vc/sdk')).toThrow(/must be https/);
    expect(() => sdkUrl('https://u:p@vc/sdk')).toThrow(/must not carry credentials/);
  });
});

describe('cluster records (VSphereVM, Windows node)', () => {
  it('keeps network names and both address shapes', () => {
    expect(
      toClusterVm({
        metadata: { name: 'vm-1', namespace: 'ns' },
        spec: {
          network: {
            devices: [{ networkName: '/DC0/network/pg' }, { networkName: '' }, {}, { networkName: 'pg2' }],
          },
        },
        status: { addresses: ['10.0.0.1', { type: 'InternalIP', address: '10.0.0.2' }, 5] },
      }),
    ).toEqual({
      namespace: 'ns',
      name: 'vm-1',
      networkNames: ['/DC0/network/pg', 'pg2'],
      addresses: ['10.0.0.1', '10.0.0.2'],
    });
    expect(toClusterVm({ metadata: { name: 'bare' } })).toEqual({
      namespace: '',
      name: 'bare',
      networkNames: [],
      addresses: [],
    });
    expect(toClusterVm({ metadata: {} })).toBeUndefined();
  });

  it('keeps a node name and its addresses', () => {
    expect(
      toWindowsNode({
        metadata: { name: 'win-0' },
        status: {
          addresses: [
            { type: 'InternalIP', address: '10.0.0.5' },
            { type: 'Hostname', address: 'win-0' },
          ],
        },
      }),
    ).toEqual({ name: 'win-0', addresses: ['10.0.0.5', 'win-0'] });
  });
});
