import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_REGISTRY_NAME, type DemoRegistry, startDemoRegistry } from '../../src/demo/registry.js';
import { runReportCli } from '../cli/report-run.js';
import { startTestSimulator } from '../helpers/simulator.js';

/**
 * Golden reports: every format of `airgap-top report` over the demo and the fixture scenarios,
 * compared byte for byte (after masking what changes from run to run: clock times, durations, the
 * simulator's port). A refactor must keep these identical; a deliberate change of output updates
 * them (`npx vitest run test/golden -u`) and the diff is reviewed in the commit.
 */

const ROOT = join(import.meta.dirname, '../..');
const GOLDEN = join(import.meta.dirname, '__golden__');
const FORMATS = [
  ['json', 'report.json'],
  ['md', 'report.md'],
  ['html', 'report.html'],
  ['junit', 'junit.xml'],
  ['prom', 'airgap-top.prom'],
] as const;

const work = mkdtempSync(join(tmpdir(), 'airgap-top-golden-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Masks the parts of a report that differ between two runs over the same data. */
function maskVolatile(text: string): string {
  return (
    text
      // ISO timestamps (generatedAt, startedAt, updatedAt, evidence times shifted by a scenario anchor).
      .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z?/g, '<time>')
      // JUnit durations.
      .replace(/ time="[\d.]+"/g, ' time="<n>"')
      // Clock times in prose ("data from 20:44:19").
      .replace(/\b\d{2}:\d{2}:\d{2}\b/g, '<clock>')
      // Where the clone sits (config paths in evidence), the simulator's random port, temporary folders.
      .replaceAll(ROOT, '<repo>')
      .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>')
      .replace(/\/tmp\/airgap-top-[A-Za-z0-9._-]+/g, '<tmp>')
      // Prometheus sample values of durations and timestamps.
      .replace(/^(airgap_top_\w*(duration_seconds|timestamp_seconds)(\{[^}]*\})?) .*/gm, '$1 <n>')
      .replace(/("durationMs"|"syncSeconds"|"durationSeconds"):\s*[\d.]+/g, '$1: <n>')
      // Durations and ages in prose ("in 1.2 s", "3 s ago").
      .replace(/\b\d+(\.\d+)? ?ms\b/g, '<ms>')
      .replace(/sync took [\d.]+ s\b/g, 'sync took <n> s')
  );
}

/** When the fixture scenarios without an anchor of their own are looked at. */
const SEEN_AT = '2026-12-01T12:00:00Z';

interface GoldenCase {
  readonly name: string;
  readonly scenario?: string;
  readonly config?: string;
  /** Builds a support bundle in DIR and returns extra flags. */
  readonly dump?: (dir: string) => void;
  /** Serve registry.example.internal from the demo's embedded registry (connect_to, its CA). */
  readonly registry?: boolean;
}

const CASES: readonly GoldenCase[] = [
  {
    name: 'demo',
    scenario: 'fixtures/demo/scenario',
    config: 'fixtures/demo/airgap-top.toml',
    registry: true,
  },
  { name: 'images', scenario: 'fixtures/images/pods.yaml', config: 'fixtures/images/airgap-top.toml' },
  { name: 'topology', scenario: 'fixtures/topology/wc-1.yaml', config: 'fixtures/topology/airgap-top.toml' },
  { name: 'ipam', scenario: 'fixtures/ipam/scenario.yaml', config: 'fixtures/demo/airgap-top.toml' },
  {
    name: 'kubectl-dump-demo',
    scenario: 'fixtures/scenarios/kubectl-dump-demo.yaml',
    config: 'fixtures/demo/airgap-top.toml',
    registry: true,
  },
  {
    // A support bundle: the demo's cluster, containerd trees of every fixture node, a govc inventory.
    // It is judged as of its collectedAt, so fixed dates (the gdc node's CA expires 2026-12-10,
    // claims pending since the fixture's timestamps) read the same on any day.
    name: 'dump',
    config: 'fixtures/demo/airgap-top.toml',
    dump: (dir) => {
      mkdirSync(join(dir, 'kube'), { recursive: true });
      cpSync(join(ROOT, 'fixtures/demo/scenario'), join(dir, 'kube'), { recursive: true });
      rmSync(join(dir, 'kube/90-timeline.yaml'), { force: true });
      cpSync(join(ROOT, 'fixtures/containerd/nodes'), join(dir, 'nodes'), { recursive: true });
      cpSync(join(ROOT, 'fixtures/vsphere/dump/vsphere'), join(dir, 'vsphere'), { recursive: true });
      writeFileSync(
        join(dir, 'cluster.json'),
        JSON.stringify({
          context: 'golden',
          server: 'https://10.0.0.1:6443',
          collectedAt: '2026-11-22T12:40:00Z',
        }),
      );
    },
  },
];

async function reportsOf(c: GoldenCase): Promise<{ code: number; files: Map<string, string> }> {
  const out = join(work, c.name);
  const args = ['-o', FORMATS.map(([f]) => f).join(','), '--output-dir', out];
  if (c.config && c.registry) args.push('--config', await withDemoRegistry(join(ROOT, c.config), c.name));
  else if (c.config) args.push('--config', join(ROOT, c.config));
  let close: (() => Promise<void>) | undefined;
  if (c.dump) {
    const dir = join(work, `${c.name}-bundle`);
    c.dump(dir);
    args.push('--from-dump', dir);
  } else if (c.scenario) {
    // Fixtures without an anchor are seen as at SEEN_AT, so "False for 275d" does not grow a day at a time.
    const sim = await startTestSimulator(join(ROOT, c.scenario), { anchor: SEEN_AT });
    close = () => sim.close();
    args.push('--kubeconfig', sim.kubeconfigPath);
  }
  try {
    const r = await runReportCli(args);
    const files = new Map<string, string>();
    for (const [, file] of FORMATS) files.set(file, maskVolatile(readFileSync(join(out, file), 'utf8')));
    return { code: r.code, files };
  } finally {
    await close?.();
  }
}

let demoRegistry: DemoRegistry | undefined;
afterAll(async () => {
  await demoRegistry?.close();
});

/**
 * The config with the demo's embedded registry behind registry.example.internal (connect_to, its CA
 * for the central check): a temporary copy whose relative paths are made absolute.
 */
async function withDemoRegistry(config: string, name: string): Promise<string> {
  demoRegistry ??= await startDemoRegistry({ dir: join(ROOT, 'fixtures/demo/registry') });
  const text = readFileSync(config, 'utf8').replace(
    /^(inventory_file\s*=\s*)"([^"/][^"]*)"/m,
    (_, key: string, file: string) => `${key}"${join(dirname(config), file)}"`,
  );
  const file = join(work, `${name}-airgap-top.toml`);
  writeFileSync(
    file,
    `${text}\n[registry.connect_to]\n"${DEMO_REGISTRY_NAME}" = "${demoRegistry.address}"\n[registry.ca_files]\n"${DEMO_REGISTRY_NAME}" = "${demoRegistry.caFile}"\n`,
  );
  return file;
}

describe('golden reports over the fixtures', () => {
  for (const c of CASES) {
    it(`${c.name}: every format is byte-identical to the golden copy`, async () => {
      const { code, files } = await reportsOf(c);
      await expect(String(code)).toMatchFileSnapshot(join(GOLDEN, c.name, 'exit-code.txt'));
      for (const [file, text] of files) {
        await expect(text).toMatchFileSnapshot(join(GOLDEN, c.name, file));
      }
    });
  }
});
