#!/usr/bin/env node
/**
 * The CLI as one esbuild bundle (CommonJS, production React, no devtools): what the release ships
 * (scripts/package.mjs puts it at the package root) and what `npm run build` writes to
 * dist/airgap-top-main.cjs, beside the launcher dist/airgap-top.cjs (scripts/launcher.cjs: the
 * bundle compiled with V8's code cache) for `npm run demo`, `npm start` and the package's bin. One
 * file to parse instead of ~1,400 modules: module loading was most of a small report's time.
 *
 *   node scripts/bundle.mjs            writes dist/airgap-top-main.cjs and dist/airgap-top.cjs
 */
import { createHash } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, transform } from 'esbuild';

const OPTIONAL_MODULES = /\.node$|^(cpu-features|bufferutil|utf-8-validate|encoding|supports-color)$/;

/**
 * Bundles src/cli/main.ts into `outfile`. `rootFromBundle` is the package root relative to the
 * bundle file ('./' in the release, '../' for dist/airgap-top.cjs): the demo's files and the JSON
 * schemas are found from it. `entry` replaces the CLI's entry (the TUI bench bundles its parts
 * this way, so it measures Ink as the product ships it).
 */
export async function buildBundle({ root, outfile, version, rootFromBundle, entry }) {
  const result = await build({
    entryPoints: [entry ?? join(root, 'src/cli/main.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile,
    metafile: true,
    legalComments: 'none', // THIRD_PARTY_LICENSES carries the full texts
    logLevel: 'warning',
    // src/ui/run.tsx sets NODE_ENV=production at run time too; the bundle's constant already says so.
    logOverride: { 'assign-to-define': 'silent' },
    define: {
      AIRGAP_TOP_VERSION: JSON.stringify(version),
      AIRGAP_TOP_BUNDLE: JSON.stringify(rootFromBundle),
      // React and its reconciler ship development and production builds chosen by NODE_ENV: a release
      // carries only the production one (half the reconciler's size, no dev-only checks at render).
      'process.env.NODE_ENV': '"production"',
      // CommonJS has no import.meta: the bundle's own file URL stands in for every module's.
      'import.meta.url': '__airgapTopBundleUrl',
    },
    banner: { js: 'var __airgapTopBundleUrl = require("node:url").pathToFileURL(__filename).href;' },
    plugins: [
      optionalNativeAddons(),
      synchronousYoga(),
      inkWithoutDevtools(),
      inkOutputWithMemory(root),
      kubeConfigWithoutGeneratedClient(),
    ],
  });
  const stockOutput = Object.keys(result.metafile.inputs).find((f) => INK_OUTPUT_FILE.test(f));
  if (stockOutput)
    throw new Error(`${stockOutput} is in the bundle: inkOutputWithMemory did not take its place`);
  await asciiOnly(outfile);
  return result;
}

/**
 * esbuild escapes non-ASCII characters in code (charset "ascii", its default) but keeps them in
 * comments, and one such character makes V8 hold the whole 5 MB source as a two-byte string: 5 MB
 * more of every process's memory, kept for lazy compilation. The characters left are written as
 * `\u201c` (text in a comment, the same character in a string or a name), and the build proves the
 * code is the same: esbuild's output without comments is identical before and after.
 */
export async function asciiOnly(file) {
  const before = readFileSync(file, 'utf8');
  const after = before.replace(
    // Each UTF-16 unit on its own (no `u` flag): a pair becomes two escapes, as JavaScript writes it.
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  if (after === before) return;
  const code = async (text) => (await transform(text, { minifyWhitespace: true, charset: 'ascii' })).code;
  if ((await code(before)) !== (await code(after)))
    throw new Error(
      `${file}: escaping a non-ASCII character would change the code; the bundle is left as esbuild wrote it`,
    );
  writeFileSync(file, after);
}

/**
 * Optional modules, each required inside try/catch with a fallback: ssh2's sshcrypto.node and
 * cpu-features (native addons; ssh2 falls back to node:crypto), ws's bufferutil/utf-8-validate
 * (native speed-ups), node-fetch's encoding and debug's supports-color (not installed). In the
 * bundle each resolves to a module that throws, so every caller takes its fallback and no .node
 * file has to travel. Anything else left external fails the build (below).
 */
function optionalNativeAddons() {
  return {
    name: 'optional-modules',
    setup(b) {
      b.onResolve({ filter: OPTIONAL_MODULES }, (a) => ({ path: a.path, namespace: 'optional-native' }));
      b.onLoad({ filter: /.*/, namespace: 'optional-native' }, (a) => ({
        contents: `throw new Error(${JSON.stringify(`${a.path}: native addon not bundled (optional)`)});`,
        loader: 'js',
      }));
    },
  };
}

/**
 * yoga-layout (Ink's layout engine) instantiates its WebAssembly with a top-level await, which
 * CommonJS cannot express. Its emscripten loader accepts an `instantiateWasm` hook: given a
 * synchronous WebAssembly.Instance it finishes synchronously, so the module is ready on import.
 * Same wasm bytes, same wrapAssembly; only the await is gone (and the slow atob decode with it).
 */
function synchronousYoga() {
  return {
    name: 'synchronous-yoga',
    setup(b) {
      b.onLoad({ filter: /[\\/]yoga-layout[\\/]dist[\\/]src[\\/]index\.js$/ }, (a) => {
        const loader = join(dirname(a.path), '../binaries/yoga-wasm-base64-esm.js');
        const wasm = /data:application\/octet-stream;base64,([A-Za-z0-9+/=]+)/.exec(
          readFileSync(loader, 'utf8'),
        );
        if (!wasm)
          throw new Error(`${loader}: no embedded wasm found (yoga-layout changed: revisit this plugin)`);
        return {
          loader: 'js',
          resolveDir: dirname(a.path),
          contents: [
            "import loadYoga from '../binaries/yoga-wasm-base64-esm.js';",
            "import wrapAssembly from './wrapAssembly.js';",
            `const bytes = Buffer.from(${JSON.stringify(wasm[1])}, 'base64');`,
            'const assembly = {',
            '  instantiateWasm(imports, receive) {',
            '    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), imports);',
            '    receive(instance);',
            '    return instance.exports;',
            '  },',
            '};',
            'loadYoga(assembly);',
            'const Yoga = wrapAssembly(assembly);',
            'export default Yoga;',
            "export * from './generated/YGEnums.js';",
          ].join('\n'),
        };
      });
    },
  };
}

/**
 * Ink's reconciler awaits two imports at top level, both only when DEV=true (React devtools, which
 * a release does not ship, and Ink's own package.json for devtools' name). Both become plain
 * values; each replacement must match, so an Ink upgrade that changes them fails the build here.
 */
function inkWithoutDevtools() {
  return {
    name: 'ink-without-devtools',
    setup(b) {
      b.onLoad({ filter: /[\\/]ink[\\/]build[\\/]reconciler\.js$/ }, (a) => {
        const ink = JSON.parse(readFileSync(join(dirname(a.path), '../package.json'), 'utf8'));
        let text = readFileSync(a.path, 'utf8');
        const replacements = [
          [
            "await import('./devtools.js');",
            "throw Object.assign(new Error('not bundled'), { code: 'ERR_MODULE_NOT_FOUND' });",
          ],
          ['? await loadPackageJson()', `? ${JSON.stringify({ name: ink.name, version: ink.version })}`],
        ];
        for (const [from, to] of replacements) {
          if (!text.includes(from))
            throw new Error(`${a.path}: "${from}" not found (Ink changed: revisit this plugin)`);
          text = text.replace(from, to);
        }
        return { contents: text, loader: 'js', resolveDir: dirname(a.path) };
      });
    },
  };
}

/**
 * airgap-top uses @kubernetes/client-node for its KubeConfig (loading, merging, credentials) and
 * talks to the API server itself. config.js imports
 * - the generated API client (~800 modules, 0.9 MB of the bundle, initialised at every start) only
 *   for KubeConfig.makeApiClient, which airgap-top never calls: in the bundle its two names throw
 *   if ever used;
 * - node-fetch (with whatwg-url and tr46's 1.4 MB mapping table, built at every start) only for
 *   the Headers of applyToFetchOptions: Node's own Headers has the same append/set, and is looked up
 *   only when called (reading globalThis.Headers loads Node's fetch, ~15 ms).
 * Each import must read exactly as today, so a client-node upgrade that changes one fails here.
 */
function kubeConfigWithoutGeneratedClient() {
  const replacements = [
    [
      "import { createConfiguration, ServerConfiguration, } from './gen/index.js';",
      [
        'const notBundled = () => {',
        "  throw new Error('KubeConfig.makeApiClient is not part of the airgap-top bundle');",
        '};',
        'const createConfiguration = notBundled;',
        'class ServerConfiguration { constructor() { notBundled(); } }',
      ].join('\n'),
    ],
    // Looked up when called: reading globalThis.Headers loads Node's fetch (undici, ~15 ms).
    [
      "import { Headers } from 'node-fetch';",
      'function Headers(init) { return new globalThis.Headers(init); }',
    ],
  ];
  return {
    name: 'kubeconfig-without-generated-client',
    setup(b) {
      b.onLoad({ filter: /[\\/]@kubernetes[\\/]client-node[\\/]dist[\\/]config\.js$/ }, (a) => {
        let text = readFileSync(a.path, 'utf8');
        for (const [from, to] of replacements) {
          if (!text.includes(from))
            throw new Error(`${a.path}: "${from}" not found (client-node changed: revisit this plugin)`);
          text = text.replace(from, to);
        }
        return { contents: text, loader: 'js', resolveDir: dirname(a.path) };
      });
    },
  };
}

const INK_OUTPUT_FILE = /[\\/]ink[\\/]build[\\/]output\.js$/;
/** SHA-256 of the ink/build/output.js that src/ui/ink/output.ts was compared with (Ink 6.8.0). */
const INK_OUTPUT_SHA256 = 'de9078c7fc647c40cf9e32d6658fcbbee91dae9e3f6334e5f4ebfc5905fc401d';

/**
 * Ink's output stage (the class its renderer fills each frame and reads the screen's text from)
 * becomes src/ui/ink/output.ts: the same text, with memory of rows across frames (see there).
 * Pinned to the Ink file it was checked against: an Ink upgrade that changes output.js fails the
 * build here until test/ui/ink-output.test.ts has been run against the new one and the hash moved.
 */
function inkOutputWithMemory(root) {
  return {
    name: 'ink-output-with-memory',
    setup(b) {
      b.onResolve({ filter: /^\.\/output\.js$/ }, (a) => {
        if (!/[\\/]ink[\\/]build[\\/]renderer\.js$/.test(a.importer)) return undefined;
        const stock = join(dirname(a.importer), 'output.js');
        const sha = createHash('sha256').update(readFileSync(stock)).digest('hex');
        if (sha !== INK_OUTPUT_SHA256)
          throw new Error(
            `${stock} changed (sha256 ${sha}): compare src/ui/ink/output.ts with it, run test/ui/ink-output.test.ts, then update INK_OUTPUT_SHA256`,
          );
        return { path: join(root, 'src/ui/ink/output.ts') };
      });
    },
  };
}

/**
 * fixtures/demo/scenario.compiled.json: the demo scenario parsed ahead (the demo uses it while its
 * YAML is unchanged). Needs dist/ (tsc) for the compiler.
 */
export async function writeCompiledDemoScenario(root) {
  const { compileScenario } = await import(pathToFileURL(join(root, 'dist/sim/scenario.js')).href);
  const { COMPILED_SCENARIO, DEMO_ASSET_DIR } = await import(
    pathToFileURL(join(root, 'dist/demo/assets.js')).href
  );
  writeFileSync(
    join(root, DEMO_ASSET_DIR, COMPILED_SCENARIO),
    compileScenario(join(root, DEMO_ASSET_DIR, 'scenario')),
  );
}

/** The bundle's file name beside the launcher (scripts/launcher.cjs loads it by this name). */
export const BUNDLE_NAME = 'airgap-top-main.cjs';

/**
 * Writes the launcher (what `airgap-top` runs: it compiles the bundle beside it with V8's code
 * cache) to `path`, executable.
 */
export function writeLauncher(root, path) {
  writeFileSync(path, readFileSync(join(root, 'scripts/launcher.cjs')));
  chmodSync(path, 0o755);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  await buildBundle({ root, outfile: join(root, 'dist', BUNDLE_NAME), version, rootFromBundle: '../' });
  await writeCompiledDemoScenario(root);
  // Last: scripts/ensure-built.mjs takes the launcher's time as the build's.
  writeLauncher(root, join(root, 'dist/airgap-top.cjs'));
}
