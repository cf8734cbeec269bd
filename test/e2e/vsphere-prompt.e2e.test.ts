import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type SimulatorHandleExtended, startSimulator } from '../../src/sim/server/index.js';
import { TmuxTerminal } from '../helpers/terminal.js';
import { node, vsphereVm } from '../probes/vsphere/cluster-objects.js';
import { sec, startVcsim, type Vcsim } from '../probes/vsphere/vcsim.js';

/**
 * The vCenter password prompt as a person meets it: the real binary in tmux, [vsphere] server set
 * to govmomi's vcsim (127.0.0.1, TLS) and $password_env unset. The prompt appears, typing shows
 * bullets only, enter logs in and the portgroups screen fills; the password is in no screen or log.
 */

const ROOT = join(import.meta.dirname, '../..');
const CLI = join(ROOT, 'dist/cli/main.js');
const PASSWORD = `e2e-Typed-${process.pid}-Pw`;
const ENV = 'AIRGAP_E2E_VC_PASSWORD';
const USER = 'readonly@vsphere.local';

describe('vCenter password prompt in a terminal (tmux, vcsim)', () => {
  let vc: Vcsim | undefined;
  let kube: SimulatorHandleExtended | undefined;
  let dir = '';

  beforeAll(async () => {
    expect(spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status, 'tmux is installed').toBe(0);
    // npm test builds dist first; rebuilding it here would race other files that spawn it.
    if (!existsSync(CLI))
      execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'pipe' });
    [vc, kube] = await Promise.all([
      startVcsim({
        username: USER,
        password: PASSWORD,
        switches: [{ name: 'DSwitch-A', defaultPortConfig: sec(false, false, false) }],
        portgroups: [
          { name: 'pg-workload', switch: 'DSwitch-A', defaultPortConfig: sec(false, false, false) },
        ],
      }),
      startSimulator({
        scenario: [vsphereVm('lin-0', ['pg-workload'], ['10.0.0.10']), node('lin-0', 'linux', '10.0.0.10')],
      }),
    ]);
    dir = mkdtempSync(join(tmpdir(), 'airgap-top-e2e-pw-'));
  }, 180_000);

  afterAll(async () => {
    await Promise.all([vc?.close(), kube?.close()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the prompt appears, shows only bullets, and enter fills the portgroups screen', async () => {
    const toml = join(dir, 'airgap-top.toml');
    writeFileSync(
      toml,
      `[registry]\nprivate = ["registry.example.internal/tkg"]\n\n[vsphere]\nserver = "${vc?.host}"\nusername = "${USER}"\npassword_env = "${ENV}"\nca_file = "${vc?.certFile}"\n`,
    );
    const logFile = join(dir, 'airgap-top.log');
    const term = new TmuxTerminal(
      dir,
      `env -u ${ENV} node ${CLI} --kubeconfig ${kube?.kubeconfigPath} --config ${toml} --log ${logFile}; sleep 120`,
      { name: 'e2e-pw' },
    );
    try {
      const prompt = await term.waitFor(`vCenter password for ${USER} at ${vc?.host}`, 30_000);
      expect(prompt).toContain('password prompt: ⏎ submit');
      term.type(PASSWORD);
      await term.waitFor(`password: ${'•'.repeat(PASSWORD.length)}▏`);
      term.keys('Enter');
      await term.waitFor((s) => !s.includes('asks:') && s.includes('Probes'));
      term.keys('4');
      const screen = await term.waitFor(/pg-workload/, 30_000);
      expect(screen).toContain('overview › portgroups');
      expect(screen).toMatch(/^ready/m);
      expect(screen).not.toMatch(/^ERROR/m);
      term.keys('q');
      await new Promise((r) => setTimeout(r, 500));
      for (const s of term.screens) expect(s).not.toContain(PASSWORD.slice(0, 8));
      const log = readFileSync(logFile, 'utf8');
      expect(log).toMatch(/portgroups: \d+ portgroups, 1 switches from vcenter 127\.0\.0\.1/);
      expect(log).not.toContain(PASSWORD);
    } finally {
      term.kill();
    }
  }, 120_000);
});
