import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session } from '../../../src/app/session.js';
import { Logger } from '../../../src/core/log.js';
import { parseConfig } from '../../../src/model/config.js';
import type { Finding } from '../../../src/model/finding.js';
import { camelCaseKeys } from '../../../src/model/portgroups/records.js';
import type { PortgroupsData } from '../../../src/model/portgroups/types.js';
import type { ProbeId } from '../../../src/model/probe.js';
import type { ProbeSource } from '../../../src/probes/types.js';
import { createPortgroupsProbe, type LiveReadStats } from '../../../src/probes/vsphere/index.js';
import { type SimulatorHandleExtended, startSimulator } from '../../../src/sim/server/index.js';
import { node, vsphereVm } from './cluster-objects.js';
import { inheritAll, macmgmt, sec, startVcsim, type Vcsim, type VcsimSpec } from './vcsim.js';

const PASSWORD = `vc-Secret-${process.pid}-x7`;
const ENV = 'AIRGAP_TEST_VC_PASSWORD';
const both = (p: boolean, m: boolean, f: boolean) => ({ ...sec(p, m, f), ...macmgmt(p, m, f) });

const spec: VcsimSpec = {
  username: 'administrator@vsphere.local',
  password: PASSWORD,
  switches: [
    { name: 'DSwitch-A', defaultPortConfig: both(false, false, false) },
    // A switch whose default says Promiscuous Accept: portgroups that inherit get it.
    { name: 'DSwitch-B', defaultPortConfig: both(true, false, false) },
  ],
  portgroups: [
    { name: 'pg-clean', switch: 'DSwitch-A', defaultPortConfig: both(false, false, false) },
    { name: 'pg-promisc', switch: 'DSwitch-A', defaultPortConfig: sec(true, false, false) },
    { name: 'pg-mac', switch: 'DSwitch-A', defaultPortConfig: macmgmt(false, true, false) },
    { name: 'pg-forged', switch: 'DSwitch-A', defaultPortConfig: sec(false, false, true) },
    { name: 'pg-linux-forged', switch: 'DSwitch-A', defaultPortConfig: sec(false, false, true) },
    {
      name: 'pg-override',
      switch: 'DSwitch-A',
      numPorts: 4,
      defaultPortConfig: both(false, false, false),
      policy: { securityPolicyOverrideAllowed: true, macManagementOverrideAllowed: true },
      ports: { '2': macmgmt(true, false, false) },
    },
    { name: 'pg-inherit', switch: 'DSwitch-B', defaultPortConfig: inheritAll },
    // More portgroups than one RetrievePropertiesEx page (maxObjects 5 below).
    ...Array.from({ length: 20 }, (_, i) => ({
      name: `pg-unused-${String(i).padStart(2, '0')}`,
      switch: 'DSwitch-A',
      defaultPortConfig: both(i === 7, false, false),
    })),
  ],
};

const clusterObjects = [
  vsphereVm('lin-0', ['pg-clean'], ['10.0.0.10']),
  vsphereVm('win-0', ['pg-clean'], ['10.0.0.20']),
  vsphereVm('win-1', ['pg-promisc']),
  // Windows host names are cut to 15 characters: node "workload-md-win" is this VM.
  vsphereVm('workload-md-win-7f9c4-x2k8p', ['pg-mac']),
  // Joined by address only.
  vsphereVm('w-by-ip', ['pg-forged'], ['10.0.0.50']),
  vsphereVm('lin-1', ['pg-linux-forged'], ['10.0.0.11']),
  vsphereVm('win-3', ['pg-override']),
  vsphereVm('win-4', ['/DC0/network/pg-inherit']),
  vsphereVm('lin-2', ['no-such-pg']),
  node('lin-0', 'linux', '10.0.0.10'),
  node('lin-1', 'linux', '10.0.0.11'),
  node('win-0', 'windows', '10.0.0.20'),
  node('win-1', 'windows', '10.0.0.21'),
  node('workload-md-win', 'windows', '10.0.0.22'),
  node('winnode-by-ip', 'windows', '10.0.0.50'),
  node('win-3', 'windows', '10.0.0.23'),
  node('win-4', 'windows', '10.0.0.24'),
];

const EXPECTED = [
  'fail PG-002 pg-forged',
  'fail PG-002 pg-inherit',
  'fail PG-002 pg-mac',
  'fail PG-002 pg-promisc',
  'fail PG-102 pg-override',
  'fail PG-201 no-such-pg',
  'warn PG-003 pg-linux-forged',
  'warn PG-101 pg-override',
  'pass PG-001 pg-clean',
  'pass PG-001 pg-override',
];

let vc: Vcsim;
let kube: SimulatorHandleExtended;
let dir: string;

beforeAll(async () => {
  [vc, kube] = await Promise.all([
    startVcsim(spec, { govcJson: true }),
    startSimulator({ scenario: clusterObjects }),
  ]);
  dir = mkdtempSync(join(tmpdir(), 'pg-vcsim-'));
}, 120_000);

afterAll(async () => {
  await Promise.all([vc?.close(), kube?.close()]);
  delete process.env[ENV];
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Run {
  status: string | undefined;
  message: string | undefined;
  data: PortgroupsData | undefined;
  findings: readonly Finding[];
  statuses: Partial<Record<ProbeId, string>>;
  log: string;
}

async function run(
  toml: string,
  password: string | null = PASSWORD,
  probes: ProbeId[] = ['portgroups'],
  resolve?: (host: string) => Promise<string[]>,
  sources?: readonly ProbeSource[],
): Promise<Run> {
  const configPath = join(dir, 'airgap-top.toml');
  const logFile = join(dir, `log-${Math.random().toString(36).slice(2)}.log`);
  writeFileSync(logFile, '');
  const { config } = parseConfig(toml, configPath);
  if (password === null) delete process.env[ENV];
  else process.env[ENV] = password;
  const session = await Session.open({
    kubeconfig: kube.kubeconfigPath,
    config,
    log: new Logger({ file: logFile, minLevel: 'debug' }),
    live: false,
    probes,
    resolve,
    sources,
  });
  try {
    await session.start();
    const results = session.results();
    const pg = results.find((r) => r.id === 'portgroups');
    return {
      status: pg?.status,
      message: pg?.message,
      data: session.store.get('portgroups')?.data as PortgroupsData | undefined,
      findings: pg?.findings ?? [],
      statuses: Object.fromEntries(results.map((r) => [r.id, r.status])),
      log: readFileSync(logFile, 'utf8'),
    };
  } finally {
    session.close();
  }
}

const live = (extra = '') =>
  `[vsphere]\nserver = "${vc.host}"\nusername = "administrator@vsphere.local"\npassword_env = "${ENV}"\nca_file = "${vc.certFile}"\n${extra}`;

const summary = (findings: readonly Finding[]) =>
  findings
    .filter((f) => f.code !== 'PG-301')
    .map((f) => `${f.severity} ${f.code} ${f.subject.name}`)
    .sort((a, b) => {
      const rank = ['fail', 'warn', 'info', 'pass'];
      return rank.indexOf(a.split(' ')[0] ?? '') - rank.indexOf(b.split(' ')[0] ?? '') || a.localeCompare(b);
    });

describe('portgroups probe against govmomi vcsim (TLS, 127.0.0.1)', () => {
  it('reads every switch and portgroup page by page and judges the ones the cluster uses', async () => {
    const reads: LiveReadStats[] = [];
    const smallPages = createPortgroupsProbe({ maxObjects: 5, onLiveRead: (stats) => reads.push(stats) });
    const r = await run(live(), PASSWORD, ['portgroups'], undefined, [smallPages]);
    expect(r.status).toBe('ready');
    expect(summary(r.findings)).toEqual(EXPECTED);
    // 2 switches + 27 portgroups + 2 uplink portgroups = 31 objects in pages of 5.
    expect(r.data?.inventory.portgroups).toHaveLength(29);
    expect(reads.map((s) => s.pages)).toEqual([7]);
  });

  it('says where each Accept comes from: the portgroup, or the switch it inherits from', async () => {
    const r = await run(live());
    const byName = (code: string, name: string) =>
      r.findings.find((f) => f.code === code && f.subject.name === name);
    expect(byName('PG-002', 'pg-inherit')?.detail).toContain(
      'Promiscuous mode is Accept (inherited from switch DSwitch-B (macManagementPolicy))',
    );
    expect(byName('PG-002', 'pg-promisc')?.detail).toContain(
      'Promiscuous mode is Accept (set on the portgroup (securityPolicy))',
    );
    expect(byName('PG-002', 'pg-mac')?.detail).toContain(
      'MAC address changes is Accept (set on the portgroup (macManagementPolicy))',
    );
    expect(byName('PG-002', 'pg-mac')?.detail).toContain(
      'workload-md-win-7f9c4-x2k8p (node workload-md-win)',
    );
    expect(byName('PG-002', 'pg-forged')?.detail).toContain('w-by-ip (node winnode-by-ip)');
    expect(byName('PG-102', 'pg-override')?.evidence).toMatchObject({
      ports: [{ accept: ['allowPromiscuous'] }],
    });
    expect(byName('PG-201', 'no-such-pg')?.detail).toContain('tkg-workload/lin-2');
    // The unused portgroup with Promiscuous Accept is listed but not judged.
    expect(r.findings.some((f) => f.subject.name === 'pg-unused-07')).toBe(false);
  });

  it('gives the same verdicts from the govc JSON of the same inventory (PascalCase, and camelCase as govc >= 0.31)', async () => {
    const liveRun = await run(live());
    const pascal = await run(`[vsphere]\ninventory_file = "${vc.govcJsonFile}"\n`);
    expect(pascal.status).toBe('ready');
    expect(pascal.data?.inventory.source.detail).toContain('PascalCase');
    expect(summary(pascal.findings)).toEqual(summary(liveRun.findings));

    const camelFile = join(dir, 'govc-camel.json');
    const docs = readFileSync(vc.govcJsonFile!, 'utf8').trim().split('\n');
    writeFileSync(
      camelFile,
      docs.map((d) => JSON.stringify(camelCaseKeys(JSON.parse(d)), null, 2)).join('\n'),
    );
    const camel = await run(`[vsphere]\ninventory_file = "${camelFile}"\n`);
    expect(camel.data?.inventory.source.detail).toContain('camelCase');
    expect(summary(camel.findings)).toEqual(summary(liveRun.findings));
  });

  it('a wrong password is a probe error with the reason; other probes go on', async () => {
    const r = await run(live(), 'not-the-password-4711', ['portgroups', 'topology']);
    expect(r.status).toBe('error');
    expect(r.message).toMatch(/refused the login for administrator@vsphere.local \(InvalidLogin\)/);
    expect(r.message).toContain(`$${ENV}`);
    expect(r.statuses.topology).not.toBe('error');
    expect(`${r.message}${r.log}`).not.toContain('not-the-password-4711');
  });

  it('an untrusted certificate is a TLS error naming ca_file and insecure', async () => {
    const r = await run(`[vsphere]\nserver = "${vc.host}"\nusername = "u"\npassword_env = "${ENV}"\n`);
    expect(r.status).toBe('error');
    expect(r.message).toMatch(/^TLS: the certificate of 127\.0\.0\.1:\d+ is not trusted/);
    expect(r.message).toContain('ca_file');
  });

  it('insecure = true reads anyway and says so (message, PG-301, log)', async () => {
    const r = await run(
      `[vsphere]\nserver = "${vc.url}"\nusername = "administrator@vsphere.local"\npassword_env = "${ENV}"\ninsecure = true\n`,
    );
    expect(r.status).toBe('ready');
    expect(r.message).toContain('TLS verification of vCenter is OFF');
    expect(r.findings.find((f) => f.code === 'PG-301')?.subject).toEqual({ kind: 'vCenter', name: vc.host });
    expect(r.log).toMatch(/TLS verification is OFF/);
    expect(summary(r.findings)).toEqual(EXPECTED);
  });

  it('a host name goes through the injected resolver, and TLS checks the name', async () => {
    const asked: string[] = [];
    const resolve = async (host: string) => {
      asked.push(host);
      return ['127.0.0.1'];
    };
    // vcsim's certificate names example.com (and 127.0.0.1): no real DNS look-up happens.
    const port = vc.host.split(':')[1];
    const ok = await run(
      live().replace(`server = "${vc.host}"`, `server = "example.com:${port}"`),
      PASSWORD,
      ['portgroups'],
      resolve,
    );
    expect(asked).toContain('example.com');
    expect(ok.status).toBe('ready');
    const wrongName = await run(
      live().replace(`server = "${vc.host}"`, `server = "vcenter.test:${port}"`),
      PASSWORD,
      ['portgroups'],
      resolve,
    );
    expect(wrongName.status).toBe('error');
    expect(wrongName.message).toMatch(/^TLS: .*ERR_TLS_CERT_ALTNAME_INVALID/);
  });

  it('an unreachable vCenter is a probe error', async () => {
    const r = await run(`[vsphere]\nserver = "127.0.0.1:1"\nusername = "u"\npassword_env = "${ENV}"\n`);
    expect(r.status).toBe('error');
    expect(r.message).toMatch(/vCenter 127\.0\.0\.1:1 unreachable: connection refused/);
  });

  it('a missing password variable is an error naming the variable', async () => {
    const r = await run(live(), null);
    expect(r.status).toBe('error');
    expect(r.message).toContain(`export ${ENV}`);
  });
});
