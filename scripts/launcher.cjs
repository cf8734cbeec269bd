#!/usr/bin/env node
'use strict';
/**
 * What `airgap-top` runs: the bundle next to this file (airgap-top-main.cjs), compiled with V8's
 * code cache. Compiling the 5 MB bundle is ~120 ms of every start (`--version`, `report`, the
 * demo's first frame); from the cache it is a few. Node 22+ has this built in
 * (module.enableCompileCache); on Node 20 the bundle is compiled through vm.Script with the cached
 * data, as Node's own loader would wrap it.
 *
 * The cache lives in the user's own cache folder (XDG_CACHE_HOME or ~/.cache, mode 0700, never a
 * shared temporary folder: code cache is code), one file per bundle build and command, written once
 * at the end of that command's first run so it holds the functions the command compiled. A cache
 * V8 refuses (another Node, a changed bundle) is rewritten; anything wrong with the cache folder
 * only costs the compile. AIRGAP_TOP_NO_COMPILE_CACHE=1 switches it off.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const Module = require('node:module');

const main = path.join(__dirname, 'airgap-top-main.cjs');

function cacheFolder() {
  if (process.env.AIRGAP_TOP_NO_COMPILE_CACHE) return undefined;
  const base = process.env.XDG_CACHE_HOME || (os.homedir() ? path.join(os.homedir(), '.cache') : '');
  if (!base || !path.isAbsolute(base)) return undefined;
  const dir = path.join(base, 'airgap-top');
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = fs.statSync(dir);
    // Only a folder of our own that nobody else may write: a planted cache would run as us.
    if (typeof process.getuid === 'function' && st.uid !== process.getuid()) return undefined;
    if ((st.mode & 0o022) !== 0) return undefined;
    return dir;
  } catch {
    return undefined;
  }
}

function runCached(dir) {
  const vm = require('node:vm');
  const bytes = fs.readFileSync(main);
  // V8 checks a cache against the source's length only: the key is the content itself (~4 ms).
  const digest = require('node:crypto').createHash('sha256').update(bytes).digest('hex').slice(0, 20);
  const build = `${process.version}-${digest}`;
  const source = bytes.toString('utf8').replace(/^#!.*/, '');
  // One cache per command: each holds what its command compiled (report never loads the screens).
  const first = process.argv[2] ?? '';
  const command = /^[a-z][a-z-]{0,20}$/.test(first)
    ? first
    : /^(--version|--help|-h)$/.test(first)
      ? 'misc'
      : 'tui';
  const file = path.join(dir, `v8-${build}-${command}.bin`);
  let cachedData;
  try {
    cachedData = fs.readFileSync(file);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(source), {
    filename: main,
    cachedData,
    importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  if (cachedData === undefined || script.cachedDataRejected) {
    process.once('exit', () => {
      try {
        const temp = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(temp, script.createCachedData(), { mode: 0o600 });
        fs.renameSync(temp, file);
        // Caches of earlier builds are of no use any more.
        for (const name of fs.readdirSync(dir))
          if (name.startsWith('v8-') && !name.startsWith(`v8-${build}-`))
            fs.rmSync(path.join(dir, name), { force: true });
      } catch {
        // A cache that cannot be written costs the next start its compile, nothing else.
      }
    });
  }
  const mod = new Module(main, module);
  mod.filename = main;
  mod.paths = Module._nodeModulePaths(__dirname);
  script.runInThisContext().call(mod.exports, mod.exports, Module.createRequire(main), mod, main, __dirname);
}

const dir = cacheFolder();
if (dir === undefined) {
  require(main);
} else if (typeof Module.enableCompileCache === 'function') {
  Module.enableCompileCache(dir);
  require(main);
} else {
  runCached(dir);
}
