import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type SimulatorHandleExtended, startTestSimulator } from '../helpers/simulator.js';
import { TmuxTerminal } from '../helpers/terminal.js';
import { cmarkGfm } from '../report/validators.js';

/**
 * Cluster data never controls the terminal: a pod whose image and kubelet message carry an OSC
 * title, a clear screen, a green "ALL CHECKS PASSED" and a bidi override, shown by the real binary
 * in a real terminal (tmux) and written as report.md. Each control character must appear visibly
 * escaped (\x1b) and never raw.
 */

const ROOT = join(import.meta.dirname, '../..');
const CLI = join(ROOT, 'dist/cli/main.js');
const ESC = '\u001b';

const TITLE = `${ESC}]0;PWNED-TITLE\u0007`;
const CLEAR = `${ESC}[2J${ESC}[H`;
const GREEN = `${ESC}[32mALL CHECKS PASSED${ESC}[0m`;
const BIDI = '\u202Eevil';

const HOSTILE_POD = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'hostile-0',
    namespace: 'shop',
    uid: 'a0000000-0000-4000-8000-00000000h051',
    creationTimestamp: '2026-11-20T09:12:01Z',
  },
  spec: {
    nodeName: 'node-1',
    containers: [{ name: 'main', image: `docker.io/library/nginx:1.25${TITLE}${CLEAR}${GREEN}${BIDI}` }],
  },
  status: {
    phase: 'Pending',
    containerStatuses: [
      {
        name: 'main',
        image: `docker.io/library/nginx:1.25${TITLE}`,
        imageID: '',
        ready: false,
        restartCount: 0,
        state: {
          waiting: { reason: 'ErrImagePull', message: `pull failed ${CLEAR}${GREEN} ${TITLE}${BIDI}` },
        },
      },
    ],
  },
};

const CONFIG = `[registry]
private = ["registry.example.internal/tkg"]
`;

/** The CLI as a child process, asynchronously: the simulator answers from this process's event loop. */
function cli(
  args: readonly string[],
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('node', [CLI, ...args], { cwd, encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function hasTmux(): boolean {
  return spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;
}

describe('hostile strings from the cluster', () => {
  let sim: SimulatorHandleExtended | undefined;
  let dir = '';

  beforeAll(async () => {
    if (!existsSync(CLI))
      execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'pipe' });
    sim = await startTestSimulator([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
      HOSTILE_POD,
    ]);
    dir = mkdtempSync(join(tmpdir(), 'airgap-top-hostile-'));
    writeFileSync(join(dir, 'airgap-top.toml'), CONFIG);
  });

  afterAll(async () => {
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('report.md, the text diff and the JSON: escaped visibly (md, diff), exact and inert (JSON)', async () => {
    const out = join(dir, 'out');
    const kubeconfig = sim?.kubeconfigPath as string;
    const run = await cli(
      ['report', '--kubeconfig', kubeconfig, '-o', 'json,md,html', '--output-dir', out],
      dir,
    );
    expect(run.stderr).not.toContain(ESC);
    expect(existsSync(join(out, 'report.md')), run.stderr).toBe(true);
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toContain('hostile-0');
    expect(md).not.toContain(ESC);
    expect(md).not.toContain('\u0007');
    expect(md).not.toContain('\u202E');
    // As rendered (cmark-gfm): the escapes are the visible text (Markdown escapes their backslashes).
    const rendered = cmarkGfm(md)
      .output.replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&');
    expect(rendered).toContain('\\x1b]0;PWNED-TITLE\\x07');
    expect(rendered).toContain('\\x1b[32mALL CHECKS PASSED');
    expect(rendered).toContain('\\u202eevil');

    const json = readFileSync(join(out, 'report.json'), 'utf8');
    expect(json).not.toContain(ESC);
    expect(json).not.toContain('\u202E');
    expect(json).toContain('\\u001b]0;PWNED-TITLE\\u0007');
    // The data exactly: parsed back, the image is the hostile string itself.
    expect(JSON.stringify(JSON.parse(json))).toContain(JSON.stringify(HOSTILE_POD.spec.containers[0]?.image));

    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).not.toContain(ESC);
    expect(html).not.toContain('\u202E');
    expect(html).toContain('\\x1b[32mALL CHECKS PASSED');

    // The text diff against an empty earlier report lists the new findings: escaped too.
    const before = join(dir, 'before.json');
    const empty = JSON.parse(json) as { probes: { findings: unknown[] }[] };
    for (const p of empty.probes) p.findings = [];
    writeFileSync(before, JSON.stringify(empty));
    const diff = await cli(['report', '--kubeconfig', kubeconfig, '--diff', before], dir);
    expect(diff.stdout).toContain('hostile-0');
    expect(diff.stdout).not.toContain(ESC);
    expect(diff.stdout).not.toContain('\u202E');
  }, 90_000);

  test('the TUI shows the escapes; the terminal title and screen are untouched', async () => {
    expect(hasTmux(), 'tmux is installed (scripts/setup.sh installs it)').toBe(true);
    const term = new TmuxTerminal(dir, `node ${CLI} --kubeconfig ${sim?.kubeconfigPath}; sleep 120`, {
      name: 'hostile',
    });
    try {
      term.tmux('set-option', '-g', 'set-titles', 'on');
      const titleBefore = term.paneFlag('#{pane_title}');
      await term.waitFor(/● (live|synced)/, 30_000);
      // The findings of the images probe, then the failing finding's detail (image, message, YAML).
      term.keys('1');
      await term.waitFor('overview › images');
      term.keys('h');
      const findings = await term.waitFor(/Findings \(\d+\)/);
      expect(findings).toContain('hostile-0');
      term.type('/hostile');
      term.keys('Enter');
      await term.waitFor('filter /hostile/');
      term.keys('Enter');
      const detail = await term.waitFor('Evidence');
      expect(detail).toContain('\\x1b]0;PWNED-TITLE\\x07');
      expect(detail).toContain('\\x1b[32mALL CHECKS PASSED');
      expect(detail).toContain('\\u202eevil');
      // With escapes (-e): tmux re-emits the colours Ink set; none of the cluster's own.
      const raw = term.tmux('capture-pane', '-p', '-e', '-t', '0');
      expect(raw).not.toContain(`${ESC}]0;`);
      expect(raw).not.toContain(`${ESC}[2J`);
      expect(raw).not.toMatch(new RegExp(`${ESC}\\[32mALL CHECKS PASSED`));
      expect(raw).not.toContain('\u202E');
      expect(term.paneFlag('#{pane_title}')).toBe(titleBefore);
      expect(term.paneFlag('#{pane_title}')).not.toContain('PWNED');
      // The screen was not cleared: the header is still drawn above the detail.
      expect(detail).toContain('airgap-top  ctx');
    } finally {
      term.kill();
    }
  }, 90_000);

  test('`airgap-top > file` in a terminal refuses like a non-TTY stdin: exit 2, the hint, no frames', async () => {
    expect(hasTmux()).toBe(true);
    const out = join(dir, 'frames.txt');
    const term = new TmuxTerminal(
      dir,
      `node ${CLI} --kubeconfig ${sim?.kubeconfigPath} > ${out}; echo EXIT=$?; sleep 120`,
      { name: 'redirect' },
    );
    try {
      const screen = await term.waitFor(/EXIT=\d+/, 30_000);
      expect(screen).toContain('EXIT=2');
      expect(screen).toContain('the live screen needs a terminal (stdout is not a TTY)');
      expect(screen).toContain('for pipelines use "airgap-top report"');
      expect(readFileSync(out, 'utf8')).toBe('');
    } finally {
      term.kill();
    }
  }, 60_000);

  test('a non-UTF-8 locale (LC_ALL=C) gets ASCII symbols only: x ! i v, ~ for a cut, * live', async () => {
    expect(hasTmux()).toBe(true);
    const term = new TmuxTerminal(
      dir,
      `LC_ALL=C LANG=C node ${CLI} --kubeconfig ${sim?.kubeconfigPath}; sleep 120`,
      { name: 'ascii' },
    );
    try {
      const screen = await term.waitFor(/\* (live|synced)/, 30_000);
      expect(screen).toContain('1 images x');
      expect(screen).toMatch(/^[> ] x {2}\d +images /m);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the whole screen is ASCII
      expect(screen).toMatch(/^[\u0000-\u007f]*$/);
    } finally {
      term.kill();
    }
  }, 60_000);
});
