import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const DEMO = fileURLToPath(new URL('../../fixtures/demo/scenario', import.meta.url));

/** `airgap-top sim` as a user runs it (needs dist/, as `npm test` builds it). */
describe('airgap-top sim', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sim-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const start = (args: string[]) => {
    const child = spawn(process.execPath, [CLI, 'sim', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const ready = new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        if (stdout.includes('\n')) {
          clearInterval(timer);
          resolve(stdout);
        }
      }, 20);
      child.on('exit', (code) => {
        clearInterval(timer);
        reject(new Error(`exited ${code}: ${stderr}`));
      });
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { child, ready, exited, output: () => ({ stdout, stderr }) };
  };

  it('prints exactly one ready line, serves kubectl, and exits 0 on SIGTERM', async () => {
    const kubeconfig = join(dir, 'kubeconfig');
    const sim = start(['--scenario', DEMO, '--kubeconfig-out', kubeconfig]);
    const line = await sim.ready;
    expect(line).toMatch(
      new RegExp(
        `^ready https://127\\.0\\.0\\.1:\\d+ ${kubeconfig.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n$`,
      ),
    );
    expect(readFileSync(kubeconfig, 'utf8')).toContain('certificate-authority-data:');
    const { stdout } = await run('kubectl', [
      '--kubeconfig',
      kubeconfig,
      '--cache-dir',
      join(dir, 'cache'),
      'get',
      'nodes',
      '-o',
      'name',
    ]);
    expect(stdout.trim().split('\n')).toHaveLength(10);
    sim.child.kill('SIGTERM');
    expect(await sim.exited).toBe(0);
    expect(sim.output().stdout).toBe(line);
    expect(existsSync(kubeconfig)).toBe(true); // the user's file stays
  });

  it('serves a generated cluster from --generate and --seed', async () => {
    const sim = start(['--generate', 'nodes=5,pods=40', '--seed', '3']);
    const [, url, kubeconfig] = (await sim.ready).trim().split(' ');
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const { stdout } = await run('kubectl', [
      '--kubeconfig',
      String(kubeconfig),
      '--cache-dir',
      join(dir, 'cache'),
      'get',
      'pods',
      '-A',
      '-o',
      'name',
    ]);
    expect(stdout.trim().split('\n')).toHaveLength(40);
    sim.child.kill('SIGINT');
    expect(await sim.exited).toBe(0);
  });

  it.each([
    [[], /needs --scenario PATH/],
    [['--scenario', '/nonexistent/scenario'], /scenario \/nonexistent\/scenario/],
    [['--generate', 'nodes=x'], /nodes must be an integer/],
    [['--generate', 'nodes=2', '--port', 'http'], /--port must be a port number/],
  ])('exits 2 with one clear line for %j', async (args, message) => {
    const failed = await run(process.execPath, [CLI, 'sim', ...args]).catch(
      (err: { code: number; stderr: string }) => err,
    );
    expect((failed as { code: number }).code).toBe(2);
    expect((failed as { stderr: string }).stderr).toMatch(message);
  });
});
