import { errorMessage } from '../../core/errors.js';
import {
  camelCaseKeys,
  moidOf,
  type RawManagedObject,
  toPortgroupRecord,
  toPortRecord,
  toSwitchRecord,
} from '../../model/portgroups/records.js';
import type { PortRecord, VsphereInventory } from '../../model/portgroups/types.js';

/**
 * Offline inventory: what `govc collect -json -type ...` and `govc dvs.portgroup.info -json` print,
 * concatenated into one file. govc writes one JSON document per object update (camelCase since v0.31,
 * PascalCase before); a JSON array of them is accepted too. The file a user makes:
 *
 *   govc collect -json -type DistributedVirtualPortgroup / name config.key \
 *     config.distributedVirtualSwitch config.defaultPortConfig config.policy > inventory.json
 *   govc collect -json -type VmwareDistributedVirtualSwitch / name uuid \
 *     config.defaultPortConfig config.uplinkPortgroup >> inventory.json
 *   # only for portgroups that allow per-port overrides (PG-101):
 *   govc dvs.portgroup.info -json -pg PORTGROUP SWITCH >> inventory.json
 */

export class InventoryFileError extends Error {
  override readonly name = 'InventoryFileError';
}

/** Splits concatenated JSON documents (`{..}\n{..}` or pretty-printed ones back to back). */
export function splitJsonDocuments(text: string): unknown[] {
  const docs: unknown[] = [];
  let depth = 0;
  let inString = false;
  let escaped = false;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') {
      inString = true;
      if (depth === 0) throw new InventoryFileError(`a bare string at offset ${i}: expected JSON objects`);
    } else if (ch === '{' || ch === '[') {
      if (depth === 0) start = i;
      depth += 1;
    } else if (ch === '}' || ch === ']') {
      depth -= 1;
      if (depth < 0) throw new InventoryFileError(`unbalanced "${ch}" at offset ${i}`);
      if (depth === 0) {
        const chunk = text.slice(start, i + 1);
        try {
          docs.push(JSON.parse(chunk));
        } catch (err) {
          throw new InventoryFileError(`not valid JSON near offset ${start}: ${errorMessage(err)}`);
        }
      }
    } else if (depth === 0 && !/\s/.test(ch ?? '')) {
      throw new InventoryFileError(`unexpected "${ch}" at offset ${i}: expected JSON objects`);
    }
  }
  if (depth !== 0 || inString)
    throw new InventoryFileError('the file ends inside a JSON document (cut short?)');
  return docs;
}

type Loose = Record<string, unknown>;

function isObject(value: unknown): value is Loose {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const SWITCH_TYPES = new Set(['VmwareDistributedVirtualSwitch', 'DistributedVirtualSwitch']);

export interface ParsedGovcInventory {
  readonly inventory: Omit<VsphereInventory, 'source'>;
  /** camelCase (govc >= 0.31), PascalCase (older), or mixed. */
  readonly casing: 'camelCase' | 'PascalCase' | 'mixed';
  readonly documents: number;
}

function hasPascalKeys(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasPascalKeys);
  if (!isObject(value)) return false;
  return Object.keys(value).some((k) => /^[A-Z][a-z]/.test(k)) || Object.values(value).some(hasPascalKeys);
}

export function parseGovcInventory(text: string): ParsedGovcInventory {
  const docs = splitJsonDocuments(text).flatMap((d) => (Array.isArray(d) ? d : [d]));
  const pascal = docs.filter(hasPascalKeys).length;
  const objects = new Map<string, { type: string; moid: string; props: Record<string, unknown> }>();
  const ports: PortRecord[] = [];
  let portDocuments = 0;
  for (const raw of docs) {
    const doc = camelCaseKeys(raw);
    if (!isObject(doc)) continue;
    // govc dvs.portgroup.info -json: {"port": [DistributedVirtualPort...]}
    if (Array.isArray(doc.port)) {
      portDocuments += 1;
      for (const p of doc.port) {
        const rec = toPortRecord(p);
        if (rec) ports.push(rec);
      }
      continue;
    }
    const obj = isObject(doc.obj) ? doc.obj : undefined;
    const type = typeof obj?.type === 'string' ? obj.type : undefined;
    const moid = moidOf(obj);
    if (!type || !moid) continue;
    const entry = objects.get(`${type}:${moid}`) ?? { type, moid, props: {} };
    // ObjectUpdate (govc collect): changeSet[{name, op, val}]; ObjectContent: propSet[{name, val}].
    const changes = Array.isArray(doc.changeSet)
      ? doc.changeSet
      : Array.isArray(doc.propSet)
        ? doc.propSet
        : [];
    for (const change of changes) {
      if (isObject(change) && typeof change.name === 'string' && change.op !== 'remove') {
        entry.props[change.name] = change.val;
      }
    }
    objects.set(`${type}:${moid}`, entry);
  }
  const all: RawManagedObject[] = [...objects.values()];
  const switches = all.filter((o) => SWITCH_TYPES.has(o.type)).map(toSwitchRecord);
  const portgroups = all.filter((o) => o.type === 'DistributedVirtualPortgroup').map(toPortgroupRecord);
  return {
    inventory: {
      switches,
      portgroups,
      ports:
        portDocuments > 0
          ? { status: 'read', items: ports }
          : {
              status: 'unavailable',
              reason:
                'the inventory file has no port data (append the output of govc dvs.portgroup.info -json SWITCH)',
              items: [],
            },
    },
    casing: pascal === 0 ? 'camelCase' : pascal === docs.length ? 'PascalCase' : 'mixed',
    documents: docs.length,
  };
}
