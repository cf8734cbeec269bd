import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseListen } from '../../src/cli/serve-command.js';
import { CLI_PATH } from '../helpers/cli.js';
import { type SimulatorHandleExtended, startTestSimulator } from '../helpers/simulator.js';
import { freePort } from '../helpers/sshd.js';
import { promtoolCheck } from '../report/validators.js';

const ROOT = join(import.meta.dirname, '../..');
const TOKEN = 'serve-token-0123456789';

/** Waits for a condition by polling (never a fixed sleep), failing with what it last saw. */
async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

const get = (url: string, token?: string) =>
  fetch(url, { headers: token ? { Authorization: `Bearer ${token}` } : {} });

describe('parseListen', () => {
  it.each([
    ['127.0.0.1:9877', { host: '127.0.0.1', port: 9877 }],
    [':9877', { host: '127.0.0.1', port: 9877 }],
    ['[::1]:0', { host: '::1', port: 0 }],
    ['0.0.0.0:80', { host: '0.0.0.0', port: 80 }],
  ])('%s', (text, expected) => {
    expect(parseListen(text)).toEqual(expected);
  });
  it.each(['localhost:9877', '9877', '127.0.0.1:99999', 'example.internal:80', '1.2.3:80'])(
    'refuses %s with one line',
    (text) => {
      expect(() => parseListen(text)).toThrow(/--listen/);
    },
  );
});

describe('airgap-top serve, scraped by a real Prometheus', () => {
  let sim: SimulatorHandleExtended;
  let work: string;
  let serve: ChildProcess;
  let prometheus: ChildProcess | undefined;
  let base = '';
  let stderr = '';
  let exit: Promise<number | null>;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'airgap-top-serve-'));
    sim = await startTestSimulator(join(ROOT, 'fixtures/demo/scenario'));
    writeFileSync(join(work, 'token'), `${TOKEN}\n`);
    serve = spawn(
      process.execPath,
      [
        CLI_PATH,
        'serve',
        '--kubeconfig',
        sim.kubeconfigPath,
        '--config',
        join(ROOT, 'fixtures/demo/airgap-top.toml'),
        '--listen',
        '127.0.0.1:0',
        '--token-file',
        join(work, 'token'),
        '--log',
        join(work, 'serve.log'),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
    );
    serve.stderr?.on('data', (d) => {
      stderr += String(d);
    });
    exit = new Promise((resolve) => serve.once('exit', (code) => resolve(code)));
    base = await until(
      'the serving line',
      async () => /serving (http:\/\/127\.0\.0\.1:\d+)\//.exec(stderr)?.[1],
    );
  }, 60_000);

  afterAll(async () => {
    prometheus?.kill('SIGKILL');
    if (serve.exitCode === null) serve.kill('SIGKILL');
    await sim?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('answers /healthz without the token and nothing else without it', async () => {
    expect((await get(`${base}/healthz`)).status).toBe(200);
    for (const path of ['/metrics', '/readyz', '/report.json']) {
      const r = await get(`${base}${path}`);
      expect(r.status, path).toBe(401);
      expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    expect((await get(`${base}/metrics`, 'wrong-token-0123456789')).status).toBe(401);
    expect((await get(`${base}/nosuch`, TOKEN)).status).toBe(404);
    expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(405);
  });

  it('is ready after the first sync; /metrics passes promtool and /report.json is the report', async () => {
    await until('readyz 200', async () =>
      (await get(`${base}/readyz`, TOKEN)).status === 200 ? true : undefined,
    );
    const metrics = await (await get(`${base}/metrics`, TOKEN)).text();
    expect(promtoolCheck(metrics)).toEqual({ code: 0, output: '' });
    expect(metrics).toContain('airgap_top_cluster_up{cluster="airgap-top-sim"} 1');
    expect(metrics).toContain('airgap_top_ready{cluster="airgap-top-sim"} 1');
    expect(metrics).toMatch(
      /^airgap_top_findings\{cluster="airgap-top-sim",probe="images",severity="fail"\} [1-9]/m,
    );
    expect(metrics).toMatch(
      /^airgap_top_probe_sync_age_seconds\{cluster="airgap-top-sim",probe="images"\} [\d.]+$/m,
    );
    const report = (await (await get(`${base}/report.json`, TOKEN)).json()) as { probes: { id: string }[] };
    expect(report.probes.map((p) => p.id)).toContain('images');
    expect(`${metrics}${JSON.stringify(report)}${stderr}`).not.toContain(TOKEN);
  }, 60_000);

  it('Prometheus scrapes it with the bearer token and sees the cluster up', async () => {
    const promPort = await freePort();
    const target = base.replace('http://', '');
    writeFileSync(
      join(work, 'prometheus.yml'),
      [
        'global: { scrape_interval: 1s, evaluation_interval: 1s }',
        'scrape_configs:',
        '  - job_name: airgap-top',
        `    authorization: { type: Bearer, credentials_file: ${join(work, 'token')} }`,
        `    static_configs: [{ targets: ["${target}"] }]`,
        '',
      ].join('\n'),
    );
    prometheus = spawn(
      'prometheus',
      [
        `--config.file=${join(work, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(work, 'tsdb')}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
        '--log.level=warn',
      ],
      { stdio: 'ignore' },
    );
    const query = async (q: string) => {
      const r = await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(q)}`);
      const body = (await r.json()) as {
        data?: { result?: { metric: Record<string, string>; value: [number, string] }[] };
      };
      return body.data?.result ?? [];
    };
    const up = await until(
      'Prometheus to scrape airgap_top_cluster_up',
      async () => {
        const result = await query('airgap_top_cluster_up');
        return result.length ? result : undefined;
      },
      60_000,
    );
    expect(up[0]?.metric).toMatchObject({ cluster: 'airgap-top-sim', job: 'airgap-top' });
    expect(up[0]?.value[1]).toBe('1');
    const failing = await query('sum by (cluster) (airgap_top_findings{severity="fail"})');
    expect(Number(failing[0]?.value[1])).toBeGreaterThan(0);
    const scrapeUp = await query('up{job="airgap-top"}');
    expect(scrapeUp[0]?.value[1]).toBe('1');
  }, 90_000);

  it('ends with exit 0 on SIGTERM, closing the listener', async () => {
    serve.kill('SIGTERM');
    expect(await exit).toBe(0);
    await expect(get(`${base}/healthz`)).rejects.toThrow();
  }, 30_000);
});
