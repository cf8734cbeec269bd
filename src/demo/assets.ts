import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Files the demo reads (fixtures/demo: scenario, config, vCenter inventory, registry), wherever airgap-top runs:
 * from the package on disk (`node dist/cli/main.js`, the npm tarball), or from the assets embedded in
 * the single executable (scripts/package.mjs), which has no files beside it.
 */

/** Set by the bundler (scripts/bundle.mjs): the package root, relative to the bundle file. */
declare const AIRGAP_TOP_BUNDLE: string | undefined;

/** Unbundled this module is dist/demo/assets.js (src/demo/assets.ts under vitest): two levels down. */
export const PACKAGE_ROOT = fileURLToPath(
  new URL(typeof AIRGAP_TOP_BUNDLE !== 'undefined' ? AIRGAP_TOP_BUNDLE : '../../', import.meta.url),
);

/** The folder the demo's files live in, relative to the package root (and the asset key prefix). */
export const DEMO_ASSET_DIR = 'fixtures/demo';
/** The demo scenario compiled to JSON, beside its folder (gitignored; scripts/bundle.mjs writes it). */
export const COMPILED_SCENARIO = 'scenario.compiled.json';
/** The embedded asset that lists every other asset's key (node:sea cannot list them on Node 20). */
export const ASSET_MANIFEST = 'assets.json';

export interface DemoFiles {
  /** The scenario folder. */
  readonly scenario: string;
  /** The scenario parsed ahead by `npm run build` / the release (may be absent: then it is parsed). */
  readonly compiledScenario: string;
  /** The demo config (its inventory_file is relative to it). */
  readonly config: string;
  /** The embedded registry's folder: catalog.json and its certificates (src/demo/registry.ts). */
  readonly registry: string;
  /** Removes what was unpacked (nothing on disk). */
  close(): void;
}

type SeaModule = typeof import('node:sea');

/**
 * node:sea when this process is a single executable, else undefined (always undefined unbundled).
 * required, not imported: an executable's main script has no dynamic import().
 */
function runningSea(): SeaModule | undefined {
  if (typeof AIRGAP_TOP_BUNDLE === 'undefined') return undefined;
  try {
    const sea = createRequire(import.meta.url)('node:sea') as SeaModule;
    return sea.isSea() ? sea : undefined;
  } catch {
    return undefined; // Node before 20.12 has no node:sea: not an executable then
  }
}

/**
 * The demo's files as paths. In the executable they are unpacked into a private temporary folder
 * (the simulator, the config loader and the vSphere probe read paths), removed by `close()`.
 */
export async function demoFiles(): Promise<DemoFiles> {
  const sea = runningSea();
  const root = sea ? unpackAssets(sea, DEMO_ASSET_DIR) : PACKAGE_ROOT;
  return {
    scenario: join(root, DEMO_ASSET_DIR, 'scenario'),
    compiledScenario: join(root, DEMO_ASSET_DIR, COMPILED_SCENARIO),
    config: join(root, DEMO_ASSET_DIR, 'airgap-top.toml'),
    registry: join(root, DEMO_ASSET_DIR, 'registry'),
    close: () => {
      if (sea) rmSync(root, { recursive: true, force: true });
    },
  };
}

function unpackAssets(sea: SeaModule, prefix: string): string {
  const keys = JSON.parse(sea.getAsset(ASSET_MANIFEST, 'utf8')) as string[];
  const dir = mkdtempSync(join(tmpdir(), 'airgap-top-demo-'));
  for (const key of keys.filter((k) => k.startsWith(`${prefix}/`))) {
    const path = join(dir, key);
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(path, Buffer.from(sea.getAsset(key)), { mode: 0o600 });
  }
  return dir;
}
