import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** govmomi's vCenter simulator with a scenario (test/vcsim/main.go), on 127.0.0.1 with TLS. */

const root = join(import.meta.dirname, '../../..');
export const VCSIM_BINARY = join(root, '.cache/vcsim-airgap');

export interface BoolPolicy {
  inherited: boolean;
  value?: boolean;
}
export interface PortSettingSpec {
  securityPolicy?: {
    inherited: boolean;
    allowPromiscuous?: BoolPolicy;
    macChanges?: BoolPolicy;
    forgedTransmits?: BoolPolicy;
  };
  macManagementPolicy?: {
    inherited: boolean;
    allowPromiscuous?: boolean;
    macChanges?: boolean;
    forgedTransmits?: boolean;
  };
}
export interface VcsimSpec {
  username: string;
  password: string;
  switches: { name: string; defaultPortConfig?: PortSettingSpec }[];
  portgroups: {
    name: string;
    switch: string;
    numPorts?: number;
    defaultPortConfig?: PortSettingSpec;
    policy?: { securityPolicyOverrideAllowed: boolean; macManagementOverrideAllowed?: boolean };
    ports?: Record<string, PortSettingSpec>;
  }[];
}

export interface Vcsim {
  /** https://127.0.0.1:PORT/sdk */
  readonly url: string;
  readonly host: string;
  readonly certFile: string;
  /** govc (PascalCase) JSON of the same inventory, when asked for. */
  readonly govcJsonFile?: string;
  readonly switches: Record<string, string>;
  readonly portgroups: Record<string, string>;
  close(): Promise<void>;
}

/** Builds the simulator once (idempotent script); vitest's timeout must allow ~30 s the first time. */
export function ensureVcsimBuilt(): void {
  if (!existsSync(VCSIM_BINARY)) execFileSync(join(root, 'scripts/build-vcsim.sh'), { stdio: 'inherit' });
  if (!existsSync(VCSIM_BINARY))
    throw new Error('vcsim could not be built (needs golang-go and golang-github-vmware-govmomi-dev)');
}

export async function startVcsim(
  spec: VcsimSpec,
  options: { govcJson?: boolean; pageSize?: number } = {},
): Promise<Vcsim> {
  ensureVcsimBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'vcsim-'));
  const specFile = join(dir, 'spec.json');
  writeFileSync(specFile, JSON.stringify(spec), { mode: 0o600 });
  const certFile = join(dir, 'vcsim.pem');
  const govcJsonFile = options.govcJson ? join(dir, 'govc.json') : undefined;
  const args = ['-spec', specFile, '-cert-out', certFile];
  if (govcJsonFile) args.push('-govc-json', govcJsonFile);
  if (options.pageSize) args.push('-page-size', String(options.pageSize));
  // stdin stays open: the simulator exits when it closes, so it never outlives the test process.
  const child: ChildProcess = spawn(VCSIM_BINARY, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error(`vcsim did not start in 30s: ${stderr}`)), 30_000);
    rl.once('line', (l) => {
      clearTimeout(timer);
      resolve(l);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`vcsim exited (${code}): ${stderr}`));
    });
  });
  const started = JSON.parse(line) as {
    url: string;
    switches: Record<string, string>;
    portgroups: Record<string, string>;
  };
  return {
    url: started.url,
    host: new URL(started.url).host,
    certFile,
    govcJsonFile,
    switches: started.switches,
    portgroups: started.portgroups,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) {
          rmSync(dir, { recursive: true, force: true });
          resolve();
          return;
        }
        child.once('exit', () => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        });
        child.stdin?.end();
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
      }),
  };
}

/** Shorthands for policies. */
export const sec = (promisc: boolean, mac: boolean, forged: boolean): PortSettingSpec => ({
  securityPolicy: {
    inherited: false,
    allowPromiscuous: { inherited: false, value: promisc },
    macChanges: { inherited: false, value: mac },
    forgedTransmits: { inherited: false, value: forged },
  },
});
export const macmgmt = (promisc: boolean, mac: boolean, forged: boolean): PortSettingSpec => ({
  macManagementPolicy: {
    inherited: false,
    allowPromiscuous: promisc,
    macChanges: mac,
    forgedTransmits: forged,
  },
});
export const inheritAll: PortSettingSpec = {
  securityPolicy: {
    inherited: true,
    allowPromiscuous: { inherited: true },
    macChanges: { inherited: true },
    forgedTransmits: { inherited: true },
  },
};
