import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { imagesDataFromObjects } from '../../src/model/images/records.js';
import { ipamDataFromObjects } from '../../src/model/ipam/records.js';
import { topologyDataFromObjects } from '../../src/model/topology/records.js';
import { parseDocuments } from '../../src/sim/scenario.js';

/**
 * One bad object is one bad object: every slim-record builder, fed upstream-shaped fixtures with
 * one field at a time replaced by null, a string, a number, [null] or an object, never throws.
 */

const ROOT = join(import.meta.dirname, '../..');

function objectsOf(file: string): Record<string, unknown>[] {
  const docs = parseDocuments(readFileSync(join(ROOT, file), 'utf8')) as Record<string, unknown>[];
  return docs.flatMap((d) => (Array.isArray(d.items) ? (d.items as Record<string, unknown>[]) : [d]));
}

/** Every path (arrays and objects) in an object, as key lists. */
function paths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []) {
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const key = Array.isArray(value) ? Number(k) : k;
      out.push([...prefix, key]);
      paths(v, [...prefix, key], out);
    }
  }
  return out;
}

function withValue(object: unknown, path: (string | number)[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(object) as Record<string, unknown>;
  let at: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  at[path[path.length - 1] as string | number] = value;
  return copy;
}

const BAD_VALUES: unknown[] = [null, 'x', 5, [null], { a: 1 }, [[]]];

const BUILDERS: [string, string, (objects: Record<string, unknown>[]) => unknown][] = [
  ['images', 'fixtures/images/pods.yaml', (o) => imagesDataFromObjects(o)],
  ['topology', 'fixtures/topology/wc-1.yaml', (o) => topologyDataFromObjects(o)],
  ['ipam', 'fixtures/ipam/scenario.yaml', (o) => ipamDataFromObjects(o as never)],
];

describe.each(BUILDERS)('%s slim records survive malformed objects', (_name, file, build) => {
  const objects = objectsOf(file);

  it('every field of every object replaced by a wrong-typed value: no throw', () => {
    let tried = 0;
    const failures: string[] = [];
    // One object per kind keeps the run short while covering every field shape the builder reads.
    const seen = new Set<string>();
    for (const object of objects) {
      const kind = String(object.kind);
      if (seen.has(kind)) continue;
      seen.add(kind);
      for (const path of paths(object)) {
        for (const bad of BAD_VALUES) {
          tried += 1;
          try {
            build([withValue(object, path, bad)]);
          } catch (err) {
            if (failures.length < 10)
              failures.push(`${kind} ${path.join('.')} = ${JSON.stringify(bad)}: ${(err as Error).message}`);
          }
        }
      }
    }
    expect(tried).toBeGreaterThan(100);
    expect(failures).toEqual([]);
  });

  it('a null or non-object entry in the list itself is skipped', () => {
    expect(() => build([null, 'x', 5, ...objects] as never)).not.toThrow();
  });
});
