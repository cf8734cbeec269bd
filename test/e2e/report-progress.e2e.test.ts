import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_PATH } from '../helpers/cli.js';
import { type FaultProxy, startFaultProxy } from '../helpers/fault-proxy.js';
import { type SimulatorHandleExtended, startTestSimulator } from '../helpers/simulator.js';
import { TmuxTerminal } from '../helpers/terminal.js';

/**
 * `airgap-top report` in a real terminal (tmux): while the probes sync, stderr shows one progress
 * line redrawn in place (objects listed so far per probe), cleared when the report is written. With
 * stderr redirected to a file, that file gets the real messages only, no progress and no escapes.
 * The second page of pods never answers (the fault proxy stalls it), so the run is caught mid-list
 * without racing a clock, and --timeout ends it.
 */

const dir = mkdtempSync(join(tmpdir(), 'airgap-top-progress-'));
const config = join(dir, 'airgap-top.toml');
let sim: SimulatorHandleExtended;
let proxy: FaultProxy;

const PODS = 520; // one full page of 500, then the stalled second page

beforeAll(async () => {
  expect(existsSync(CLI_PATH), 'npm run build first').toBe(true);
  writeFileSync(config, '[registry]\nprivate = ["registry.example.internal/tkg"]\n');
  sim = await startTestSimulator(
    Array.from({ length: PODS }, (_, i) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `web-${i}`, namespace: 'shop', uid: `uid-${i}` },
      spec: { containers: [{ name: 'c', image: 'registry.example.internal/tkg/web:1' }] },
    })),
  );
  proxy = await startFaultProxy(sim);
  proxy.add({
    match: (r) => r.path === '/api/v1/pods' && r.query.has('continue'),
    action: { kind: 'stall' },
  });
}, 120_000);

afterAll(async () => {
  await proxy?.close();
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

const reportCommand = (out: string) =>
  `node ${CLI_PATH} report --kubeconfig ${proxy.kubeconfigPath} --config ${config} -o json --output-file ${out} --timeout 8`;

describe('report progress on a terminal', () => {
  it('shows how far each probe is on stderr, in place, and clears it when the report is written', async () => {
    const out = join(dir, 'tty.json');
    const term = new TmuxTerminal(dir, `${reportCommand(out)}; echo EXIT=$?; sleep 60`, {
      name: 'progress',
      width: 200,
    });
    try {
      // The pods list stays stalled, so the other probes finish meanwhile: wait for that state.
      const during = await term.waitFor(/images listing [a-z, ]*pods[a-z, ]*: 500 read \| topology ready/);
      // One line, at the top of the pane: redrawn in place, not scrolled.
      const lines = during.split('\n').filter((l) => l.trim() !== '');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^airgap-top: images listing .*: 500 read \| topology ready/);
      const after = await term.waitFor('EXIT=');
      expect(after).toContain('EXIT=1'); // the stalled list did not finish in time
      expect(after).not.toContain('listing');
      expect(after.split('\n').filter((l) => l.trim() !== '')).toEqual([`wrote ${out}`, 'EXIT=1']);
      expect(existsSync(out)).toBe(true);
    } finally {
      term.kill();
    }
  }, 60_000);

  it('with stderr redirected to a file, writes only the real messages there', async () => {
    const out = join(dir, 'file.json');
    const err = join(dir, 'stderr.txt');
    const term = new TmuxTerminal(dir, `${reportCommand(out)} 2>${err}; echo EXIT=$?; sleep 60`, {
      name: 'progress-file',
    });
    try {
      const after = await term.waitFor('EXIT=');
      expect(after).toContain('EXIT=1');
      // Nothing was drawn on the terminal either: stdout went to the file, stderr to err.
      expect(after.split('\n').filter((l) => l.trim() !== '')).toEqual(['EXIT=1']);
      expect(readFileSync(err, 'utf8')).toBe(`wrote ${out}\n`);
    } finally {
      term.kill();
    }
  }, 60_000);
});
