// Pins the demo scenario's pulled imageIDs to the digests the demo's embedded registry serves
// (fixtures/demo/registry/catalog.json), so the presence check finds the very builds the pods run.
// Run after changing the catalog: npm run build && node scripts/demo-image-ids.mjs
// test/demo/registry.test.ts fails while a scenario file would change.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const { buildRegistryContent, pinServedImageIds } = await import(join(root, 'dist/demo/registry-content.js'));
const catalog = JSON.parse(readFileSync(join(root, 'fixtures/demo/registry/catalog.json'), 'utf8'));
const content = buildRegistryContent(catalog);
const dir = join(root, 'fixtures/demo/scenario');
for (const name of readdirSync(dir)
  .filter((n) => n.endsWith('.yaml'))
  .sort()) {
  const path = join(dir, name);
  const before = readFileSync(path, 'utf8');
  const after = pinServedImageIds(before, catalog, content);
  if (after !== before) {
    writeFileSync(path, after);
    console.log(`pinned imageIDs in fixtures/demo/scenario/${name}`);
  }
}
