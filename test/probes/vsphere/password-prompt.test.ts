import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session } from '../../../src/app/session.js';
import { Logger } from '../../../src/core/log.js';
import { parseConfig } from '../../../src/model/config.js';
import type { SecretRequest } from '../../../src/probes/types.js';
import { type SimulatorHandleExtended, startSimulator } from '../../../src/sim/server/index.js';
import { exportFormats, exportReport } from '../../../src/ui/export.js';
import { node, vsphereVm } from './cluster-objects.js';
import { sec, startVcsim, type Vcsim } from './vcsim.js';

/**
 * The vCenter password typed into the TUI (askSecret) instead of $password_env, against govmomi's
 * vcsim on 127.0.0.1 with TLS: asked once per session, asked again after a refused login, a cancel
 * is an error that says how to give it, and the password shows up in no log, report or export.
 */

const PASSWORD = `typed-Vc-${process.pid}-pw9`;
const WRONG = `wrong-Vc-${process.pid}-pw1`;
const ENV = 'AIRGAP_TEST_VC_PROMPT_PASSWORD';
const USER = 'readonly@vsphere.local';

let vc: Vcsim;
let kube: SimulatorHandleExtended;
let dir: string;

beforeAll(async () => {
  [vc, kube] = await Promise.all([
    startVcsim({
      username: USER,
      password: PASSWORD,
      switches: [{ name: 'DSwitch-A', defaultPortConfig: sec(false, false, false) }],
      portgroups: [{ name: 'pg-workload', switch: 'DSwitch-A', defaultPortConfig: sec(false, false, false) }],
    }),
    startSimulator({
      scenario: [vsphereVm('lin-0', ['pg-workload'], ['10.0.0.10']), node('lin-0', 'linux', '10.0.0.10')],
    }),
  ]);
  dir = mkdtempSync(join(tmpdir(), 'pg-prompt-'));
  delete process.env[ENV];
}, 120_000);

afterAll(async () => {
  await Promise.all([vc?.close(), kube?.close()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Asked extends SecretRequest {
  /** What the probe published while waiting. */
  readonly statusWhileWaiting?: string;
  readonly labelWhileWaiting?: string;
}

/** A session whose askSecret answers from `answers` in turn (undefined = esc). */
async function openSession(answers: (string | undefined)[], logFile: string) {
  const { config } = parseConfig(
    `[vsphere]\nserver = "${vc.host}"\nusername = "${USER}"\npassword_env = "${ENV}"\nca_file = "${vc.certFile}"\n`,
    join(dir, 'airgap-top.toml'),
  );
  const asked: Asked[] = [];
  let session: Session | undefined;
  session = await Session.open({
    kubeconfig: kube.kubeconfigPath,
    config,
    log: new Logger({ file: logFile, minLevel: 'debug' }),
    live: false,
    probes: ['portgroups'],
    askSecret: async (request) => {
      const state = session?.store.get('portgroups');
      asked.push({
        ...request,
        statusWhileWaiting: state?.status,
        labelWhileWaiting: state?.progress?.label,
      });
      return answers.shift();
    },
  });
  return { session, asked };
}

function everythingWritten(session: Session, logFile: string): string {
  const exportDir = mkdtempSync(join(dir, 'export-'));
  const report = session.report();
  for (const f of exportFormats()) exportReport(report, f.id, exportDir, new Date());
  const exported = readdirSync(exportDir).map((f) => readFileSync(join(exportDir, f), 'utf8'));
  expect(exported.length).toBe(exportFormats().length);
  return [
    readFileSync(logFile, 'utf8'),
    JSON.stringify(report),
    JSON.stringify(session.store.snapshot),
    ...exported,
  ].join('\n');
}

describe('portgroups probe: the vCenter password asked on the screen (vcsim)', () => {
  it('the right password: ready, asked once per session, waiting shown as loading; written nowhere', async () => {
    const logFile = join(dir, 'right.log');
    writeFileSync(logFile, '');
    const { session, asked } = await openSession([PASSWORD], logFile);
    try {
      await session.start();
      const state = session.store.get('portgroups');
      expect(state?.status).toBe('ready');
      expect(asked).toEqual([
        {
          probe: 'portgroups',
          label: `vCenter password for ${USER} at ${vc.host}`,
          statusWhileWaiting: 'loading',
          labelWhileWaiting: 'waiting for the vCenter password',
        },
      ]);
      // `r`: the typed password is kept for the session, not asked again.
      await session.rerun('portgroups');
      expect(session.store.get('portgroups')?.status).toBe('ready');
      expect(asked).toHaveLength(1);
      const written = everythingWritten(session, logFile);
      expect(written).toContain('pg-workload');
      expect(written).not.toContain(PASSWORD);
    } finally {
      session.close();
    }
  });

  it('a refused password: error saying so; r asks again saying the last login was refused', async () => {
    const logFile = join(dir, 'wrong.log');
    writeFileSync(logFile, '');
    const { session, asked } = await openSession([WRONG, PASSWORD], logFile);
    try {
      await session.start();
      const failed = session.store.get('portgroups');
      expect(failed?.status).toBe('error');
      expect(failed?.message).toMatch(
        new RegExp(`refused the login for ${USER} \\(InvalidLogin\\) with the password typed in: press r`),
      );
      expect(failed?.message).toContain(`export ${ENV}`);
      await session.rerun('portgroups');
      expect(session.store.get('portgroups')?.status).toBe('ready');
      expect(asked.map((a) => a.label)).toEqual([
        `vCenter password for ${USER} at ${vc.host}`,
        `vCenter refused the last login. vCenter password for ${USER} at ${vc.host}`,
      ]);
      const written = everythingWritten(session, logFile);
      expect(written).not.toContain(WRONG);
      expect(written).not.toContain(PASSWORD);
    } finally {
      session.close();
    }
  });

  it('a cancel (esc): error saying the password was not given and how to give it; r asks again', async () => {
    const logFile = join(dir, 'cancel.log');
    writeFileSync(logFile, '');
    const { session, asked } = await openSession([undefined, PASSWORD], logFile);
    try {
      await session.start();
      const state = session.store.get('portgroups');
      expect(state?.status).toBe('error');
      expect(state?.message).toBe(
        `the vCenter password was not given: export ${ENV} before starting airgap-top, or press r to be asked again`,
      );
      await session.rerun('portgroups');
      expect(session.store.get('portgroups')?.status).toBe('ready');
      expect(asked).toHaveLength(2);
    } finally {
      session.close();
    }
  });

  it('$password_env wins: nothing is asked', async () => {
    const logFile = join(dir, 'env.log');
    writeFileSync(logFile, '');
    process.env[ENV] = PASSWORD;
    const { session, asked } = await openSession([], logFile);
    try {
      await session.start();
      expect(session.store.get('portgroups')?.status).toBe('ready');
      expect(asked).toEqual([]);
    } finally {
      session.close();
      delete process.env[ENV];
    }
  });

  it('without askSecret (airgap-top report) the error names the variable to set', async () => {
    const { config } = parseConfig(
      `[vsphere]\nserver = "${vc.host}"\nusername = "${USER}"\npassword_env = "${ENV}"\nca_file = "${vc.certFile}"\n`,
      join(dir, 'airgap-top.toml'),
    );
    const session = await Session.open({
      kubeconfig: kube.kubeconfigPath,
      config,
      log: new Logger({}),
      live: false,
      probes: ['portgroups'],
    });
    try {
      await session.start();
      expect(session.store.get('portgroups')?.message).toContain(`export ${ENV}`);
    } finally {
      session.close();
    }
  });
});
