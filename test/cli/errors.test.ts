import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = join(import.meta.dirname, '../../dist/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'airgap-top-cli-'));

function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, KUBECONFIG: join(dir, 'none'), ...env },
    cwd: dir,
    timeout: 20_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function kubeconfig(server: string): string {
  const path = join(dir, `kc-${Math.random()}`);
  writeFileSync(
    path,
    `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "${server}"}}]
users: [{name: u, user: {token: "tok-very-secret-123"}}]
contexts: [{name: ctx, context: {cluster: c, user: u}}]
current-context: ctx
`,
  );
  return path;
}

/** One clear line on stderr, exit 2, no stack trace. */
function expectOneLineExit2(r: ReturnType<typeof run>, pattern: RegExp) {
  expect(r.code).toBe(2);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('airgap-top exits 2 with one clear line when it cannot run', () => {
  it('malformed kubeconfig', () => {
    const path = join(dir, 'bad-kc');
    writeFileSync(path, 'apiVersion: v1\nclusters: [\n');
    expectOneLineExit2(run(['report', '--kubeconfig', path]), /kubeconfig .* is not valid/);
  });

  it('missing kubeconfig', () => {
    expectOneLineExit2(
      run(['report', '--kubeconfig', join(dir, 'nope')]),
      /kubeconfig .*nope does not exist/,
    );
  });

  it('unreachable API server', async () => {
    const port = await closedPort();
    const r = run(['report', '--kubeconfig', kubeconfig(`https://127.0.0.1:${port}`)]);
    expectOneLineExit2(r, /refused the connection/);
    expect(r.stderr).not.toContain('tok-very-secret-123');
  });

  it('missing config file', () => {
    expectOneLineExit2(
      run(['report', '--config', join(dir, 'absent.toml')]),
      /config file .*absent.toml does not exist/,
    );
  });

  it('config with a wrong type', () => {
    const path = join(dir, 'wrong.toml');
    writeFileSync(path, '[topology]\nzones = "zone-a"\nregion = 7\n');
    expectOneLineExit2(run(['report', '--config', path]), /wrong.toml:3: topology.region must be a string/);
  });

  it('unknown flag', () => {
    const r = run(['report', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'airgap-top: unknown flag --bogus for "airgap-top report"; see "airgap-top report --help"\n',
    );
  });

  it('--version and --help', () => {
    expect(run(['--version']).stdout).toMatch(/^airgap-top \d+\.\d+\.\d+/);
    expect(run(['--help']).stdout).toContain('airgap-top report');
  });
});
