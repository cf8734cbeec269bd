import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type SimulatorHandleExtended, startTestSimulator } from '../helpers/simulator.js';
import { TmuxTerminal } from '../helpers/terminal.js';

/**
 * The TUI as a person uses it: the real binary in a real terminal (tmux, fixed size), driven by
 * key presses, checked by what is on screen. Runs against the demo scenario served by the simulator
 * through the live path (`airgap-top --kubeconfig ...`), and through `airgap-top demo` (its own
 * simulator, timeline and simulated SSH nodes).
 */

const ROOT = join(import.meta.dirname, '../..');
const CLI = join(ROOT, 'dist/cli/main.js');
const EXIT_MARK = 'AIRGAP_TOP_EXIT=';

function hasTmux(): boolean {
  return spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;
}

/** The TUI in tmux; the pane stays after it exits so the test can see the terminal it left behind. */
class Terminal extends TmuxTerminal {
  constructor(cwd: string, command: string) {
    super(cwd, `${command}; echo ${EXIT_MARK}$?; stty -a | grep -o -- '-\\?icanon' | head -1; sleep 120`);
  }
}

/** Children of a process, from /proc (no procps needed on the CI machine). */
function childProcesses(ppid: number): { pid: number; comm: string }[] {
  const out: { pid: number; comm: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid ...; comm may contain spaces, so split after the last ')'.
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === ppid) out.push({ pid: Number(entry), comm });
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

const CONFIG = `[registry]
private = ["registry.example.internal/tkg"]
profile = "tkg"
`;

/** The walk a person takes; the same for the live path and the demo. */
async function walkThrough(term: Terminal): Promise<void> {
  // Overview: every probe settled (no loading), the images probe failing.
  const overview = await term.waitFor((s) => s.includes('Top failures') && /● (live|synced)/.test(s), 30_000);
  expect(overview).toMatch(/images\s+ready/);
  // Every line drawn once: no stale lines left behind by earlier frames (loading → ready).
  expect(overview.match(/airgap-top {2}ctx/g)).toHaveLength(1);
  expect(overview.match(/^Probes \(7\)$/gm)).toHaveLength(1);
  for (const probe of ['images', 'nodes', 'ipam', 'portgroups', 'containerd', 'registry', 'readiness']) {
    expect(overview.match(new RegExp(`^[> ] . {2}\\d +${probe} `, 'gm')), probe).toHaveLength(1);
  }
  expect(overview).toContain('1 images ✗');
  expect(overview).toMatch(/⏎ drill.*\? help.*q quit/);

  // Help overlay, then close it.
  term.keys('?');
  const help = await term.waitFor('Help: keys on this screen');
  expect(help).toContain('filter rows (regex; a leading ! inverts)');
  term.keys('Escape');
  await term.waitFor('Top failures');

  // Every probe screen is one key away and draws (its tables, or why it does not apply), no bug.
  for (const [key, name] of [
    ['2', 'nodes'],
    ['3', 'ipam'],
    ['4', 'portgroups'],
    ['5', 'containerd'],
    ['6', 'registry'],
  ]) {
    term.keys(key as string);
    const screen = await term.waitFor(`overview › ${name} (`);
    expect(screen).toMatch(/^(ready|not applicable)/m);
    expect(screen).not.toMatch(/view failed|^ERROR {2}/m);
  }

  // Jump to the images probe with one key; its own tables are there, findings last.
  term.keys('1');
  const images = await term.waitFor('overview › images');
  expect(images).toMatch(/Findings \d+/);

  // The findings table is the last tab (h wraps to it); filter it to one workload.
  term.keys('h');
  await term.waitFor(/Findings \(\d+\)/);
  term.type('/edge-proxy');
  term.keys('Enter');
  const filtered = await term.waitFor('filter /edge-proxy/');
  expect(filtered).toMatch(/> ✗ {2}FAIL +IMG-\d+ +Pod shop\/edge-proxy-/);
  const selected = filtered.split('\n').find((l) => l.startsWith('> '));
  const podName = /Pod shop\/(edge-proxy-[\w-]+)/.exec(selected ?? '')?.[1];
  expect(podName).toBeTruthy();

  // Drill into the failing finding: evidence, remedy, object, breadcrumb.
  term.keys('Enter');
  const detail = await term.waitFor('Evidence');
  expect(detail).toContain(`› IMG-`);
  expect(detail).toContain(podName as string);
  expect(detail).toMatch(/^FAIL {2}IMG-\d+/m);
  expect(detail).toContain('Remedy');
  expect(detail).toContain('docker.io/library/nginx');

  // Back: the same row, the same filter.
  term.keys('Escape');
  const back = await term.waitFor('filter /edge-proxy/');
  expect(back.split('\n').find((l) => l.startsWith('> '))).toBe(selected);

  // Export the report as JSON: the file exists in the working directory and parses.
  term.keys('C-s');
  await term.waitFor('Export the current report');
  term.keys('1');
  const written = await term.waitFor(/report written to (\S+\.json)/);
  const path = /report written to (\S+\.json)/.exec(written)?.[1] as string;
  expect(path.startsWith(term.cwd)).toBe(true);
  expect(readdirSync(term.cwd)).toContain(path.slice(term.cwd.length + 1));
  const report = JSON.parse(readFileSync(path, 'utf8')) as {
    schemaVersion: number;
    probes: { id: string; findings: { severity: string; subject: { name: string } }[] }[];
  };
  expect(report.schemaVersion).toBe(1);
  const imageFindings = report.probes.find((p) => p.id === 'images')?.findings ?? [];
  expect(imageFindings.some((f) => f.severity === 'fail' && f.subject.name === podName)).toBe(true);

  // Quit: the process exits 0 and the terminal is as it was (main screen, cursor shown, line mode).
  term.keys('q');
  const after = await term.waitFor(new RegExp(`${EXIT_MARK}\\d+\\n-?icanon`));
  expect(after).toContain(`${EXIT_MARK}0`);
  expect(after).not.toContain('Top failures');
  expect(after).not.toContain('airgap-top  ctx');
  expect(after).toMatch(/^icanon$/m);
  expect(term.paneFlag('#{alternate_on}')).toBe('0');
  expect(term.paneFlag('#{cursor_flag}')).toBe('1');
}

describe('airgap-top TUI in a terminal (tmux)', () => {
  let sim: SimulatorHandleExtended | undefined;
  const dirs: string[] = [];
  const terminals: Terminal[] = [];

  beforeAll(async () => {
    expect(hasTmux(), 'tmux is installed (scripts/setup.sh installs it)').toBe(true);
    if (!existsSync(CLI))
      execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'pipe' });
    sim = await startTestSimulator(join(ROOT, 'fixtures/demo/scenario'));
  });

  afterAll(async () => {
    for (const t of terminals) t.kill();
    await sim?.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  function workDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'airgap-top-e2e-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'airgap-top.toml'), CONFIG);
    return dir;
  }

  test('live: open help, jump to a probe, filter, drill into a failing finding, back, export, quit', async () => {
    const dir = workDir();
    const term = new Terminal(dir, `node ${CLI} --kubeconfig ${sim?.kubeconfigPath}`);
    terminals.push(term);
    try {
      await walkThrough(term);
    } finally {
      term.kill();
    }
  }, 90_000);

  test('demo: `airgap-top demo` walks the same way (timeline running, simulated SSH nodes)', async () => {
    const dir = workDir();
    const term = new Terminal(dir, `node ${CLI} demo`);
    terminals.push(term);
    try {
      await walkThrough(term);
    } finally {
      term.kill();
    }
  }, 120_000);

  test('SIGTERM (a closed ssh session, kill) also leaves the terminal restored', async () => {
    const dir = workDir();
    const term = new Terminal(dir, `node ${CLI} --kubeconfig ${sim?.kubeconfigPath}`);
    terminals.push(term);
    try {
      await term.waitFor('Top failures', 30_000);
      const shell = term.paneFlag('#{pane_pid}');
      const node = childProcesses(Number(shell)).find((p) => p.comm === 'node');
      expect(node, 'the node process under the pane shell').toBeDefined();
      process.kill(node?.pid as number, 'SIGTERM');
      const after = await term.waitFor(new RegExp(`${EXIT_MARK}\\d+\\n-?icanon`));
      expect(after).toContain(`${EXIT_MARK}0`);
      expect(after).toMatch(/^icanon$/m);
      expect(term.paneFlag('#{alternate_on}')).toBe('0');
      expect(term.paneFlag('#{cursor_flag}')).toBe('1');
    } finally {
      term.kill();
    }
  }, 60_000);

  test('ctrl-c quits cleanly from the middle of typing a filter', async () => {
    const dir = workDir();
    const term = new Terminal(dir, `node ${CLI} --kubeconfig ${sim?.kubeconfigPath}`);
    terminals.push(term);
    try {
      await term.waitFor('Top failures', 30_000);
      term.keys('2');
      await term.waitFor('overview › nodes');
      term.type('/work');
      await term.waitFor('/work█');
      term.keys('C-c');
      const after = await term.waitFor(new RegExp(`${EXIT_MARK}\\d+\\n-?icanon`));
      expect(after).toContain(`${EXIT_MARK}0`);
      expect(term.paneFlag('#{alternate_on}')).toBe('0');
      expect(after).toMatch(/^icanon$/m);
    } finally {
      term.kill();
    }
  }, 60_000);
});
