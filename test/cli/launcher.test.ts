import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runProcess } from '../helpers/cli.js';

/**
 * The launcher users run (dist/airgap-top.cjs, the package's bin): the bundle beside it compiled
 * with V8's code cache, kept in the user's cache folder. Whatever the cache's state, the program
 * behaves the same; only its start-up time differs (measured in `npm run bench`, not here).
 */
const ROOT = join(import.meta.dirname, '../..');
const LAUNCHER = join(ROOT, 'dist/airgap-top.cjs');
const work = mkdtempSync(join(tmpdir(), 'airgap-top-launcher-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let n = 0;
function freshCacheHome(): string {
  n += 1;
  return join(work, `cache-${n}`);
}

function run(args: string[], cacheHome: string, extra: Record<string, string> = {}) {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: work,
    NO_COLOR: '1',
  };
  return runProcess(process.execPath, [LAUNCHER, ...args], {
    env: { ...env, XDG_CACHE_HOME: cacheHome, ...extra },
  });
}

const caches = (cacheHome: string) => {
  try {
    return readdirSync(join(cacheHome, 'airgap-top')).filter((f) => f.startsWith('v8-'));
  } catch {
    return [];
  }
};

describe('the launcher and its compile cache', () => {
  const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;

  it('the first run writes one cache for its command; later runs use it and say the same', async () => {
    const home = freshCacheHome();
    const first = await run(['--version'], home);
    expect(first).toMatchObject({ code: 0, stdout: `airgap-top ${version}\n`, stderr: '' });
    const written = caches(home);
    // Node 22+ keeps its own cache layout (module.enableCompileCache); Node 20 ours.
    if (!process.versions.node.startsWith('20.')) return;
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^v8-v20\.[\d.]+-[0-9a-f]{20}-misc\.bin$/);
    const again = await run(['--version'], home);
    expect(again).toMatchObject({ code: 0, stdout: first.stdout, stderr: '' });
    expect(caches(home)).toEqual(written);
    const help = await run(['checks'], home);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('IMG-002');
    expect(caches(home).sort()).toEqual([...written, written[0]?.replace('-misc.', '-checks.')].sort());
  });

  it.runIf(process.versions.node.startsWith('20.'))(
    'a cache V8 refuses (garbage, another build) is replaced, and the run is unaffected',
    async () => {
      const home = freshCacheHome();
      await run(['--version'], home);
      const [name] = caches(home);
      const file = join(home, 'airgap-top', name ?? '');
      writeFileSync(file, 'not a code cache at all');
      const rerun = await run(['--version'], home);
      expect(rerun).toMatchObject({ code: 0, stdout: `airgap-top ${version}\n`, stderr: '' });
      expect(readFileSync(file).length).toBeGreaterThan(10_000);
      // A cache of an earlier build is removed when this build writes its own.
      writeFileSync(join(home, 'airgap-top', 'v8-v20.0.0-00000000000000000000-misc.bin'), 'old');
      rmSync(file);
      await run(['--version'], home);
      expect(caches(home)).toEqual([name]);
    },
  );

  it('a cache folder others may write is not used; switched off, nothing is written', async () => {
    const shared = freshCacheHome();
    mkdirSync(join(shared, 'airgap-top'), { recursive: true });
    chmodSync(join(shared, 'airgap-top'), 0o777);
    const inShared = await run(['--version'], shared);
    expect(inShared).toMatchObject({ code: 0, stdout: `airgap-top ${version}\n`, stderr: '' });
    expect(caches(shared)).toEqual([]);

    const off = freshCacheHome();
    const switchedOff = await run(['--version'], off, { AIRGAP_TOP_NO_COMPILE_CACHE: '1' });
    expect(switchedOff).toMatchObject({ code: 0, stdout: `airgap-top ${version}\n` });
    expect(caches(off)).toEqual([]);
  });

  it('an unwritable cache folder only costs the cache: exit codes and errors are the program’s', async () => {
    const file = join(work, 'not-a-folder');
    writeFileSync(file, 'x');
    const bad = await run(['report', '--no-such-flag'], file);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--no-such-flag');
  });
});
