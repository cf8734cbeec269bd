#!/usr/bin/env node
/**
 * `npm run package`: what you carry across the air gap, in release/ (gitignored):
 *
 *   airgap-top-VERSION-linux-x64   a Node single executable application: one esbuild bundle of the
 *                                  CLI and its dependencies injected into a copy of this Node binary,
 *                                  with the demo's files embedded as assets (src/demo/assets.ts)
 *   airgap-top-VERSION.tgz         an npm package with the same bundle and no dependencies to fetch
 *   SHA256SUMS                     for both (`sha256sum -c SHA256SUMS`)
 *   airgap-top-VERSION.cdx.json    CycloneDX 1.5 SBOM: every bundled package (name, version, purl, license)
 *   THIRD_PARTY_LICENSES           the license text of every bundled package (and of Node.js in the executable)
 *
 * Flags: --no-sea (bundle and tarball only), --out DIR (default release/). Prints one line per artefact.
 */

import { execFileSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { BUNDLE_NAME, buildBundle, writeCompiledDemoScenario, writeLauncher } from './bundle.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const out = outIndex >= 0 ? resolve(args[outIndex + 1] ?? '.') : join(root, 'release');
const withSea = !args.includes('--no-sea');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const version = pkg.version;
const work = join(out, 'build');
const t0 = performance.now();
const phases = [];
const phase = (name) => phases.push(`${name} ${((performance.now() - t0) / 1000).toFixed(1)} s`);

/** Files the package ships next to the bundle (package.json `files`, minus dist/), and the demo's assets. */
const SHIPPED = [
  'fixtures/demo',
  'fixtures/scenarios/flaky-api.yaml',
  'schema',
  'docs',
  'scripts/collect-dump.sh',
  'LICENSE',
  'README.md',
];
const ASSET_DIRS = ['fixtures/demo'];
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
for (const f of readdirSync(out))
  if (f.startsWith('airgap-top-') || f === 'SHA256SUMS' || f === 'THIRD_PARTY_LICENSES')
    rmSync(join(out, f), { force: true });

// ---- 1. The bundle: one CommonJS file (a Node 20 single executable runs CommonJS only).
const bundlePath = join(work, BUNDLE_NAME);
const result = await buildBundle({ root, outfile: bundlePath, version, rootFromBundle: './' });
// The demo scenario parsed ahead ships with it (tarball and executable): compiled by dist/ (tsc).
if (!existsSync(join(root, 'dist/sim/scenario.js')))
  execFileSync(
    process.execPath,
    [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')],
    {
      stdio: 'inherit',
    },
  );
await writeCompiledDemoScenario(root);

// A dynamic import() or require() the bundler left outside would look for a file that is not next
// to the executable: only Node's built-in modules may stay external.
const bundle = readFileSync(bundlePath, 'utf8');
const external = Object.entries(result.metafile.inputs).flatMap(([file, input]) =>
  input.imports.filter((i) => i.external && !isBuiltin(i.path)).map((i) => `${file}: ${i.kind} ${i.path}`),
);
if (external.length > 0)
  throw new Error(`the bundle would load files it does not contain:\n${external.join('\n')}`);
writeFileSync(join(work, 'meta.json'), JSON.stringify(result.metafile));

phase('bundle');

// ---- 2. Bundled packages: SBOM and license notices (bundling means we redistribute them).
const packages = bundledPackages(result.metafile);
const nodeLicense = [
  '/usr/share/doc/nodejs/LICENSE',
  join(dirname(process.execPath), '../share/doc/node/LICENSE'),
].find(existsSync);
const sbomName = `airgap-top-${version}.cdx.json`;
writeFileSync(join(out, sbomName), `${JSON.stringify(cycloneDx(packages), null, 2)}\n`);
writeFileSync(join(out, 'THIRD_PARTY_LICENSES'), thirdPartyLicenses(packages));

/** Every package with a file in the bundle, from its nearest package.json with a name. */
function bundledPackages(metafile) {
  const found = new Map();
  for (const input of Object.keys(metafile.inputs)) {
    const at = input.lastIndexOf('node_modules/');
    if (at < 0 || input.includes(':')) continue;
    const rest = input.slice(at + 'node_modules/'.length).split('/');
    const name = rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
    const dir = join(root, input.slice(0, at), 'node_modules', name);
    if (found.has(dir)) continue;
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const licenseFiles = readdirSync(dir)
      .filter((f) => /^(licen[cs]e|copying|notice)/i.test(f))
      .sort();
    found.set(dir, {
      name: manifest.name,
      version: manifest.version,
      license:
        typeof manifest.license === 'string' ? manifest.license : (manifest.license?.type ?? 'UNKNOWN'),
      homepage: manifest.homepage,
      texts: licenseFiles.map((f) => ({ file: f, text: readFileSync(join(dir, f), 'utf8') })),
    });
  }
  return [...found.values()].sort(
    (a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version),
  );
}

function purl(p) {
  return `pkg:npm/${p.name.replace('@', '%40')}@${p.version}`;
}

function cycloneDx(list) {
  const licenses = (id) => (/[ ()]/.test(id) ? [{ expression: id }] : [{ license: { id } }]);
  const component = (p) => ({
    type: 'library',
    'bom-ref': purl(p),
    name: p.name,
    version: p.version,
    purl: purl(p),
    licenses: licenses(p.license),
    ...(p.homepage ? { externalReferences: [{ type: 'website', url: p.homepage }] } : {}),
  });
  const components = list.map(component);
  if (withSea)
    components.push({
      type: 'platform',
      'bom-ref': `pkg:generic/node@${process.versions.node}`,
      name: 'node',
      version: process.versions.node,
      description: 'the Node.js runtime inside the single executable (not in the npm tarball)',
      purl: `pkg:generic/node@${process.versions.node}`,
      licenses: [{ license: { id: 'MIT' } }],
    });
  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    serialNumber: `urn:uuid:${randomUUID()}`,
    version: 1,
    metadata: {
      timestamp: new Date().toISOString(),
      tools: { components: [{ type: 'application', name: 'esbuild', version: esbuildVersion() }] },
      component: {
        type: 'application',
        'bom-ref': purl(pkg),
        name: pkg.name,
        version,
        purl: purl(pkg),
        licenses: licenses(pkg.license),
      },
    },
    components,
    dependencies: [{ ref: purl(pkg), dependsOn: components.map((c) => c['bom-ref']) }],
  };
}

function esbuildVersion() {
  return JSON.parse(readFileSync(join(root, 'node_modules/esbuild/package.json'), 'utf8')).version;
}

function thirdPartyLicenses(list) {
  const rule = '='.repeat(78);
  const parts = [
    `airgap-top ${version} bundles the following packages (${list.length}); their licenses follow.\n` +
      (withSea
        ? `The single executable also contains Node.js ${process.versions.node} (its license is last).\n`
        : ''),
  ];
  for (const p of list) {
    const body =
      p.texts.length > 0
        ? p.texts.map((t) => (p.texts.length > 1 ? `--- ${t.file}\n${t.text}` : t.text)).join('\n')
        : `(the package ships no license file; its package.json declares ${p.license})\n`;
    parts.push(`${rule}\n${p.name}@${p.version} — ${p.license}\n${rule}\n${body.trimEnd()}\n`);
  }
  if (withSea) {
    const text = nodeLicense
      ? readFileSync(nodeLicense, 'utf8')
      : `(license file not found; Node.js is MIT licensed with bundled third-party components)\n`;
    parts.push(
      `${rule}\nnode@${process.versions.node} — MIT (and the components listed below)\n${rule}\n${text.trimEnd()}\n`,
    );
  }
  return parts.join('\n');
}

phase('sbom');

// ---- 3. The npm tarball: launcher and bundle at the package root, `bin` the launcher, no dependencies.
const stage = join(work, 'npm');
mkdirSync(stage, { recursive: true });
// The launcher (compiles the bundle with V8's code cache) is the bin; the bundle sits beside it.
writeLauncher(root, join(stage, 'airgap-top.cjs'));
writeFileSync(join(stage, BUNDLE_NAME), bundle);
for (const path of SHIPPED) cpSync(join(root, path), join(stage, path), { recursive: true });
copyFileSync(join(out, 'THIRD_PARTY_LICENSES'), join(stage, 'THIRD_PARTY_LICENSES'));
copyFileSync(join(out, sbomName), join(stage, 'sbom.cdx.json'));
const manifest = {
  name: pkg.name,
  version,
  description: pkg.description,
  license: pkg.license,
  type: 'commonjs',
  bin: { 'airgap-top': 'airgap-top.cjs' },
  engines: pkg.engines,
};
writeFileSync(join(stage, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
const tgzName = `airgap-top-${version}.tgz`;
execFileSync('npm', ['pack', '--silent', '--pack-destination', out], {
  cwd: stage,
  stdio: ['ignore', 'ignore', 'inherit'],
});
if (!existsSync(join(out, tgzName))) throw new Error(`npm pack did not write ${tgzName}`);

phase('tarball');

// ---- 4. The single executable: the bundle + assets as a blob, injected into a copy of node.
const exeName = `airgap-top-${version}-linux-x64`;
if (withSea) {
  if (process.platform !== 'linux' || process.arch !== 'x64')
    throw new Error(
      `the executable is built from this Node binary: run on linux-x64 (this is ${process.platform}-${process.arch})`,
    );
  const assets = {};
  for (const dir of ASSET_DIRS)
    for (const file of walk(join(root, dir))) assets[relative(root, file).split(sep).join('/')] = file;
  const manifestPath = join(work, 'assets.json');
  writeFileSync(manifestPath, JSON.stringify(Object.keys(assets).sort()));
  assets['assets.json'] = manifestPath;
  const blob = join(work, 'sea.blob');
  writeFileSync(
    join(work, 'sea-config.json'),
    JSON.stringify({
      main: bundlePath,
      output: blob,
      disableExperimentalSEAWarning: true,
      useCodeCache: true,
      assets,
    }),
  );
  execFileSync(process.execPath, ['--experimental-sea-config', join(work, 'sea-config.json')], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exe = join(out, exeName);
  copyFileSync(process.execPath, exe);
  chmodSync(exe, 0o755);
  // No signature to remove on Linux (that step is for macOS codesign and Windows signtool).
  const { inject } = await import('postject');
  await inject(exe, 'NODE_SEA_BLOB', readFileSync(blob), { sentinelFuse: SEA_FUSE });
  phase('executable');
}

function walk(dir) {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => (statSync(join(dir, name)).isDirectory() ? walk(join(dir, name)) : [join(dir, name)]));
}

// ---- 5. Checksums, in `sha256sum` format.
const artefacts = [...(withSea ? [exeName] : []), tgzName];
const sums = artefacts.map(
  (f) =>
    `${createHash('sha256')
      .update(readFileSync(join(out, f)))
      .digest('hex')}  ${f}\n`,
);
writeFileSync(join(out, 'SHA256SUMS'), sums.join(''));

const mb = (f) => `${(statSync(join(out, f)).size / 1e6).toFixed(1)} MB`;
for (const f of [...artefacts, 'SHA256SUMS', sbomName, 'THIRD_PARTY_LICENSES'])
  console.log(`release/${f}${f === 'SHA256SUMS' ? '' : ` (${mb(f)})`}`);
console.log(
  `bundle ${(bundle.length / 1e6).toFixed(1)} MB from ${packages.length} packages; built in ${((performance.now() - t0) / 1000).toFixed(1)} s (${phases.join(', ')})`,
);
