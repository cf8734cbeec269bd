import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { TmuxTerminal } from '../helpers/terminal.js';

/**
 * What `npm run package` writes, proven the way a jump box uses it: each artefact runs inside a
 * network namespace with no network at all (`unshare -n`, only loopback up), with an empty HOME,
 * an empty npm cache, and, for the single executable, no `node` on PATH.
 */

const ROOT = join(import.meta.dirname, '../..');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const EXE = `airgap-top-${VERSION}-linux-x64`;
const TGZ = `airgap-top-${VERSION}.tgz`;
const DEMO_CONFIG = join(ROOT, 'fixtures/demo/airgap-top.toml');
const UNSHARE = ['/usr/bin/unshare', '/bin/unshare'].find((p) => existsSync(p));
const IP = ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip'].find((p) => existsSync(p));
/** No node here: the executable must not need one. */
const NO_NODE_PATH = '/nonexistent-airgap-top-bin';

/** Why the namespace cannot be made here (undefined: it can). */
function whyNoNamespace(): string | undefined {
  if (!UNSHARE) return 'unshare (util-linux) is not installed';
  if (!IP) return 'iproute2 (ip) is not installed: bash scripts/setup.sh installs it';
  const probe = spawnSync(UNSHARE, ['-n', IP, 'link', 'set', 'lo', 'up'], { encoding: 'utf8' });
  if (probe.status !== 0)
    return `unshare -n needs root (CAP_SYS_ADMIN): ${(probe.stderr || String(probe.error)).trim()}`;
  return undefined;
}
const noNamespace = whyNoNamespace();
if (noNamespace) console.warn(`test/release/artefacts: skipped: ${noNamespace}`);

/** `sh -c` text that brings loopback up in a fresh network namespace and runs `command` there. */
function inNamespace(command: string): string[] {
  return [UNSHARE as string, '-n', '/bin/sh', '-c', `${IP} link set lo up && ${command}`];
}

function quote(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs argv inside the namespace with exactly `env` (asynchronously: nothing in this process must answer). */
function isolated(argv: readonly string[], env: Record<string, string>, cwd: string): Promise<Run> {
  const [cmd, ...args] = inNamespace(argv.map(quote).join(' '));
  return new Promise((resolve) => {
    const child = spawn(cmd as string, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, stderr: `${stderr}${String(err)}` });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

interface ReportJson {
  probes: { id: string; status: string; findings: { code: string; severity: string; title: string }[] }[];
}

/** Probe states and every finding (code, severity, title): what must match between two runs. */
function verdicts(json: string): string[] {
  const report = JSON.parse(json) as ReportJson;
  return report.probes.flatMap((p) => [
    `${p.id} ${p.status}`,
    ...p.findings.map((f) => `${p.id} ${f.severity} ${f.code} ${f.title}`).sort(),
  ]);
}

describe.skipIf(noNamespace !== undefined)('release artefacts, offline (unshare -n)', () => {
  let work: string;
  let release: string;
  let bundle: string;
  let expected: Run;
  const reportArgs = () => ['report', '--from-dump', bundle, '--config', DEMO_CONFIG, '-o', 'json'];
  const emptyEnv = (name: string, path: string): Record<string, string> => {
    const home = join(work, `home-${name}`);
    const tmp = join(work, `tmp-${name}`);
    mkdirSync(home, { recursive: true });
    mkdirSync(tmp, { recursive: true });
    return { HOME: home, TMPDIR: tmp, PATH: path, LANG: 'C.UTF-8' };
  };

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'airgap-top-release-'));
    release = join(work, 'release');
    execFileSync(process.execPath, [join(ROOT, 'scripts/package.mjs'), '--out', release], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // A support bundle: the demo's cluster, fixture containerd trees, a govc inventory.
    bundle = join(work, 'bundle');
    mkdirSync(join(bundle, 'kube'), { recursive: true });
    cpSync(join(ROOT, 'fixtures/demo/scenario'), join(bundle, 'kube'), { recursive: true });
    rmSync(join(bundle, 'kube/90-timeline.yaml'));
    cpSync(join(ROOT, 'fixtures/containerd/nodes'), join(bundle, 'nodes'), { recursive: true });
    cpSync(join(ROOT, 'fixtures/vsphere/dump/vsphere'), join(bundle, 'vsphere'), { recursive: true });
    writeFileSync(
      join(bundle, 'cluster.json'),
      '{"context": "release-test", "server": "https://10.0.0.1:6443"}\n',
    );
    // What the unbundled CLI says about the same bundle.
    expected = await runCli(reportArgs(), { cwd: work, timeoutMs: 120_000 });
  }, 300_000);
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('writes the executable, the tarball, checksums that verify, an SBOM and the license notices', () => {
    expect(readdirSync(release).sort()).toEqual(
      expect.arrayContaining([
        EXE,
        TGZ,
        'SHA256SUMS',
        'THIRD_PARTY_LICENSES',
        `airgap-top-${VERSION}.cdx.json`,
      ]),
    );
    const sums = readFileSync(join(release, 'SHA256SUMS'), 'utf8');
    expect(sums).toMatch(new RegExp(`^[0-9a-f]{64}  ${EXE}\n[0-9a-f]{64}  ${TGZ}\n$`));
    const check = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: release, encoding: 'utf8' });
    expect(check.stdout, check.stderr).toBe(`${EXE}: OK\n${TGZ}: OK\n`);

    const sbom = JSON.parse(readFileSync(join(release, `airgap-top-${VERSION}.cdx.json`), 'utf8')) as {
      bomFormat: string;
      specVersion: string;
      components: { name: string; version: string; purl: string; licenses: unknown[] }[];
    };
    expect([sbom.bomFormat, sbom.specVersion]).toEqual(['CycloneDX', '1.5']);
    const names = sbom.components.map((c) => c.name);
    for (const dep of [
      'ssh2',
      '@kubernetes/client-node',
      'ink',
      'react',
      'yoga-layout',
      'js-yaml',
      '@iarna/toml',
    ])
      expect(names).toContain(dep);
    const notices = readFileSync(join(release, 'THIRD_PARTY_LICENSES'), 'utf8');
    for (const c of sbom.components.filter((c) => c.purl.startsWith('pkg:npm/'))) {
      expect(c.purl).toBe(`pkg:npm/${c.name.replace('@', '%40')}@${c.version}`);
      expect(c.licenses).toHaveLength(1);
      expect(notices).toContain(`${c.name}@${c.version} — `);
    }
    expect(notices).toContain('Permission is hereby granted'); // MIT texts, not just names
  });

  it('the executable runs --version with no network, no node on PATH and an empty HOME', async () => {
    const env = emptyEnv('exe-version', NO_NODE_PATH);
    const noNode = await isolated(['/bin/sh', '-c', 'command -v node || echo no-node'], env, work);
    expect(noNode.stdout.trim()).toBe('no-node');
    const r = await isolated([join(release, EXE), '--version'], env, work);
    expect(r.stderr).toBe('');
    expect([r.code, r.stdout]).toEqual([0, `airgap-top ${VERSION}\n`]);
  });

  it('the executable reports on a support bundle: exit 1, the unbundled CLI’s findings', async () => {
    expect(expected.code, expected.stderr).toBe(1);
    const r = await isolated(
      [join(release, EXE), ...reportArgs()],
      emptyEnv('exe-report', NO_NODE_PATH),
      work,
    );
    expect(r.code, r.stderr).toBe(1);
    const got = verdicts(r.stdout);
    expect(got).toContain('containerd ready');
    expect(got.some((v) => v.startsWith('images fail IMG-002'))).toBe(true);
    expect(got).toEqual(verdicts(expected.stdout));
  });

  it('the executable runs the demo in a terminal: its first frame with findings, then quits clean', async () => {
    const env = emptyEnv('exe-demo', NO_NODE_PATH);
    const vars = Object.entries({ ...env, TERM: 'xterm-256color' }).map(([k, v]) => `${k}=${quote(v)}`);
    const command = inNamespace(
      `env -i ${vars.join(' ')} ${quote(join(release, EXE))} demo; echo DEMO-EXIT=$?`,
    )
      .map(quote)
      .join(' ');
    const term = new TmuxTerminal(work, `${command}; sleep 120`, { name: 'release-demo' });
    try {
      // Every probe's findings come from embedded files and in-process peers (SSH nodes included).
      const screen = await term.waitFor(
        (s) => s.includes('Top failures') && /containerd\s+ready/.test(s) && /portgroups\s+ready/.test(s),
        60_000,
      );
      expect(screen).toMatch(/images\s+ready/);
      expect(screen).toContain('IMG-002');
      term.keys('q');
      await term.waitFor('DEMO-EXIT=0', 20_000);
      // The unpacked demo files are gone with the demo.
      expect(readdirSync(env.TMPDIR as string).filter((f) => f.startsWith('airgap-top-demo-'))).toEqual([]);
    } finally {
      term.tmux('kill-server');
    }
  }, 120_000);

  it('the tarball installs offline from an empty cache and runs the same report', async () => {
    const prefix = join(work, 'prefix');
    const cache = join(work, 'empty-npm-cache');
    mkdirSync(cache);
    const env = emptyEnv('tgz', `${join(prefix, 'bin')}:/usr/local/bin:/usr/bin:/bin`);
    const install = await isolated(
      [
        'npm',
        'install',
        '-g',
        '--prefix',
        prefix,
        join(release, TGZ),
        '--offline',
        '--cache',
        cache,
        '--no-audit',
        '--no-fund',
      ],
      env,
      work,
    );
    expect(install.code, `${install.stdout}\n${install.stderr}`).toBe(0);
    expect(install.stdout).toContain('added 1 package');
    const version = await isolated(['airgap-top', '--version'], env, work);
    expect(version.stdout).toBe(`airgap-top ${VERSION}\n`);
    const r = await isolated(['airgap-top', ...reportArgs()], env, work);
    expect(r.code, r.stderr).toBe(1);
    expect(verdicts(r.stdout)).toEqual(verdicts(expected.stdout));
    // The package carries what the docs point to.
    const installed = join(prefix, 'lib/node_modules/airgap-top');
    for (const f of [
      'LICENSE',
      'THIRD_PARTY_LICENSES',
      'schema/report.schema.json',
      'scripts/collect-dump.sh',
      'docs/checks.md',
    ])
      expect(existsSync(join(installed, f)), f).toBe(true);
    expect(existsSync(join(installed, 'node_modules'))).toBe(false);
  }, 120_000);
});
