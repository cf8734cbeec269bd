// Rebuilds dist/ (tsc, then the one-file bundle) only when a source file is newer than the last
// build, so `npm run demo` starts fast.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const stamp = join(root, 'dist', 'airgap-top.cjs');

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

if (!existsSync(stamp) || newest(join(root, 'src')) > statSync(stamp).mtimeMs) {
  execSync('npx tsc -p tsconfig.build.json && node scripts/bundle.mjs', { cwd: root, stdio: 'inherit' });
}
