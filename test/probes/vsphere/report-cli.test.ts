import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatorHandleExtended, startSimulator } from '../../../src/sim/server/index.js';
import { runCli } from '../../helpers/cli.js';
import { node, vsphereVm } from './cluster-objects.js';
import { macmgmt, sec, startVcsim, type Vcsim } from './vcsim.js';

/**
 * `airgap-top report` end to end (the built CLI) against vcsim and the Kubernetes API simulator:
 * the checklist's findings from live vCenter and from govc JSON agree, and the vCenter password is in
 * no output, log or report, whether the login works or fails.
 */

const ROOT = join(import.meta.dirname, '../../..');
const CLI = join(ROOT, 'dist/cli/main.js');
const PASSWORD = 'Vc-PLANTED-pw-9f3Kq!<&>"';
const WRONG = 'Vc-WRONG-pw-2mZ8&x';
const ENV = 'AIRGAP_CLI_VC_PASSWORD';

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  log: string;
  files: Record<string, string>;
}

// Skips only on a developer machine without a build; in CI a missing build must fail, not hide.
describe.skipIf(!process.env.CI && !existsSync(CLI))(
  'airgap-top report with [vsphere] (vcsim + API simulator)',
  () => {
    let vc: Vcsim;
    let kube: SimulatorHandleExtended;
    let work: string;

    beforeAll(async () => {
      [vc, kube] = await Promise.all([
        startVcsim(
          {
            username: 'svc-airgap@vsphere.local',
            password: PASSWORD,
            switches: [
              {
                name: 'DSwitch',
                defaultPortConfig: { ...sec(false, false, false), ...macmgmt(false, false, false) },
              },
            ],
            portgroups: [
              {
                name: 'tkg-workload-pg',
                switch: 'DSwitch',
                defaultPortConfig: { ...sec(true, false, false), ...macmgmt(true, false, false) },
              },
              {
                name: 'tkg-mgmt-pg',
                switch: 'DSwitch',
                defaultPortConfig: { ...sec(false, false, false), ...macmgmt(false, false, false) },
              },
            ],
          },
          { govcJson: true },
        ),
        startSimulator({
          scenario: [
            vsphereVm('workload-md-0-abc', ['/DC0/network/tkg-workload-pg'], ['10.10.0.11']),
            vsphereVm('workload-win-0', ['tkg-workload-pg'], ['10.10.0.12']),
            vsphereVm('mgmt-cp-0', ['tkg-mgmt-pg'], ['10.10.0.2']),
            node('workload-md-0-abc', 'linux', '10.10.0.11'),
            node('workload-win-0', 'windows', '10.10.0.12'),
            node('mgmt-cp-0', 'linux', '10.10.0.2'),
          ],
        }),
      ]);
      work = mkdtempSync(join(tmpdir(), 'airgap-report-vsphere-'));
    }, 120_000);

    afterAll(async () => {
      await Promise.all([vc?.close(), kube?.close()]);
      if (work) rmSync(work, { recursive: true, force: true });
    });

    async function report(
      name: string,
      vsphere: string,
      password: string | undefined,
      extra: string[] = [],
    ): Promise<CliRun> {
      const dir = join(work, name);
      const config = join(work, `${name}.toml`);
      writeFileSync(config, vsphere);
      const log = join(work, `${name}.log`);
      const args = [
        'report',
        '--kubeconfig',
        kube.kubeconfigPath,
        '--config',
        config,
        '-o',
        'json,md',
        '--output-dir',
        dir,
      ];
      // The password variable is set only when the case gives one (undefined removes it).
      const { code, stdout, stderr } = await runCli([...args, '--log', log, '-v', ...extra], {
        env: { [ENV]: password },
      });
      const files: Record<string, string> = {};
      if (existsSync(dir)) for (const f of readdirSync(dir)) files[f] = readFileSync(join(dir, f), 'utf8');
      return { code, stdout, stderr, log: existsSync(log) ? readFileSync(log, 'utf8') : '', files };
    }

    const probeOf = (run: CliRun) => {
      const json = JSON.parse(run.files['report.json'] ?? '{}') as {
        probes?: {
          id: string;
          status: string;
          error: string | null;
          findings: { code: string; severity: string; subject: { name: string } }[];
        }[];
      };
      return json.probes?.find((p) => p.id === 'portgroups');
    };
    const verdicts = (run: CliRun) =>
      (probeOf(run)?.findings ?? []).map((f) => `${f.severity} ${f.code} ${f.subject.name}`).sort();
    const everything = (run: CliRun) =>
      [run.stdout, run.stderr, run.log, ...Object.values(run.files)].join('\n');

    const liveToml = () =>
      `[vsphere]\nserver = "${vc.host}"\nusername = "svc-airgap@vsphere.local"\npassword_env = "${ENV}"\nca_file = "${vc.certFile}"\n`;

    it('live vCenter: the checklist fails the Windows portgroup, and the password is nowhere', async () => {
      const run = await report('live', liveToml(), PASSWORD);
      expect(run.code, run.stderr).toBe(1);
      expect(probeOf(run)?.status).toBe('ready');
      expect(verdicts(run)).toEqual(['fail PG-002 tkg-workload-pg', 'pass PG-001 tkg-mgmt-pg']);
      expect(run.files['report.md']).toContain('PG-002');
      expect(run.files['report.md']).toContain('tkg-workload-pg');
      const all = everything(run);
      expect(all).toContain('portgroups');
      expect(all).not.toContain(PASSWORD);
      expect(all).not.toContain('Vc-PLANTED-pw');
    }, 60_000);

    it('a refused login is a probe error, and neither password leaks', async () => {
      const run = await report('refused', liveToml(), WRONG);
      expect(run.code).toBe(1);
      const probe = probeOf(run);
      expect(probe?.status).toBe('error');
      expect(probe?.error).toMatch(/refused the login for svc-airgap@vsphere.local/);
      const all = everything(run);
      expect(all).toContain('InvalidLogin');
      expect(all).not.toContain(WRONG);
      expect(all).not.toContain('Vc-WRONG-pw');
      expect(all).not.toContain(PASSWORD);
    }, 60_000);

    it('--vsphere-inventory with the govc JSON of the same vCenter gives the same verdicts', async () => {
      const live = await report('live2', liveToml(), PASSWORD);
      const offline = await report('offline', '', undefined, ['--vsphere-inventory', vc.govcJsonFile!]);
      expect(probeOf(offline)?.status).toBe('ready');
      expect(verdicts(offline)).toEqual(verdicts(live));
    }, 60_000);
  },
);
