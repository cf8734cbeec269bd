/** Patch semantics the API server accepts: JSON merge patch, JSON patch, strategic merge (approximated). */

type Json = unknown;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** RFC 7386: objects merge, null deletes, everything else replaces. */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isPlainObject(patch)) return structuredClone(patch);
  const result: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/**
 * Strategic merge as far as our kinds need it: like merge patch, but lists of objects that carry a
 * merge key (`name` for containers/env/ports, `type` for conditions/addresses) merge item by item,
 * and `$`-directives (`$setElementOrder`, `$retainKeys`, `$patch`) are honoured simply or dropped.
 */
export function strategicMergePatch(target: Json, patch: Json): Json {
  if (!isPlainObject(patch)) return structuredClone(patch);
  if (patch.$patch === 'replace') {
    const { $patch: _, ...rest } = patch;
    return structuredClone(rest);
  }
  const result: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$')) continue;
    if (value === null) {
      delete result[key];
      continue;
    }
    const existing = result[key];
    if (Array.isArray(value) && Array.isArray(existing)) {
      const mergeKey = listMergeKey(value) ?? listMergeKey(existing);
      result[key] = mergeKey ? mergeListByKey(existing, value, mergeKey) : structuredClone(value);
    } else {
      result[key] = strategicMergePatch(existing, value);
    }
  }
  return result;
}

function listMergeKey(list: readonly unknown[]): string | undefined {
  if (list.length === 0 || !list.every(isPlainObject)) return undefined;
  for (const key of ['name', 'type', 'containerPort', 'mountPath', 'ip']) {
    if (list.every((item) => (item as Record<string, unknown>)[key] !== undefined)) return key;
  }
  return undefined;
}

function mergeListByKey(existing: readonly unknown[], patch: readonly unknown[], key: string): unknown[] {
  const result = existing.map((item) => item);
  for (const item of patch) {
    const p = item as Record<string, unknown>;
    const index = result.findIndex((e) => isPlainObject(e) && e[key] === p[key]);
    if (p.$patch === 'delete') {
      if (index >= 0) result.splice(index, 1);
    } else if (index >= 0) result[index] = strategicMergePatch(result[index], p);
    else result.push(strategicMergePatch(undefined, p));
  }
  return result;
}

export class PatchError extends Error {}

interface JsonPatchOp {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  from?: string;
  value?: unknown;
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new PatchError(`JSON pointer must start with "/": ${path}`);
  return path
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(
  root: unknown,
  tokens: string[],
  path: string,
): { parent: Record<string, unknown> | unknown[]; last: string } {
  let cursor: unknown = root;
  for (const token of tokens.slice(0, -1)) {
    if (Array.isArray(cursor)) cursor = cursor[Number(token)];
    else if (isPlainObject(cursor)) cursor = cursor[token];
    else cursor = undefined;
    if (cursor === undefined) throw new PatchError(`path ${path} does not exist`);
  }
  if (!Array.isArray(cursor) && !isPlainObject(cursor)) throw new PatchError(`path ${path} does not exist`);
  return { parent: cursor, last: tokens[tokens.length - 1] ?? '' };
}

function getAt(root: unknown, path: string): unknown {
  let cursor = root;
  for (const token of pointer(path)) {
    if (Array.isArray(cursor)) cursor = cursor[Number(token)];
    else if (isPlainObject(cursor)) cursor = cursor[token];
    else return undefined;
  }
  return cursor;
}

function removeAt(root: unknown, path: string): unknown {
  const { parent, last } = parentOf(root, pointer(path), path);
  if (Array.isArray(parent)) {
    const index = Number(last);
    if (!(index >= 0 && index < parent.length)) throw new PatchError(`path ${path} does not exist`);
    return parent.splice(index, 1)[0];
  }
  if (!Object.hasOwn(parent, last)) throw new PatchError(`path ${path} does not exist`);
  const value = parent[last];
  delete parent[last];
  return value;
}

function addAt(root: unknown, path: string, value: unknown, replace: boolean): unknown {
  const tokens = pointer(path);
  if (tokens.length === 0) return value;
  const { parent, last } = parentOf(root, tokens, path);
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : Number(last);
    if (!(index >= 0 && index <= parent.length)) throw new PatchError(`index out of range at ${path}`);
    if (replace) parent[index] = value;
    else parent.splice(index, 0, value);
  } else {
    if (replace && !Object.hasOwn(parent, last)) throw new PatchError(`path ${path} does not exist`);
    parent[last] = value;
  }
  return root;
}

/** RFC 6902. */
export function jsonPatch(target: Json, ops: unknown): Json {
  if (!Array.isArray(ops)) throw new PatchError('a JSON patch must be an array of operations');
  let doc = structuredClone(target);
  for (const raw of ops as JsonPatchOp[]) {
    switch (raw.op) {
      case 'add':
        doc = addAt(doc, raw.path, structuredClone(raw.value), false);
        break;
      case 'replace':
        doc = addAt(doc, raw.path, structuredClone(raw.value), true);
        break;
      case 'remove':
        removeAt(doc, raw.path);
        break;
      case 'move': {
        const value = removeAt(doc, raw.from ?? '');
        doc = addAt(doc, raw.path, value, false);
        break;
      }
      case 'copy':
        doc = addAt(doc, raw.path, structuredClone(getAt(doc, raw.from ?? '')), false);
        break;
      case 'test':
        if (JSON.stringify(getAt(doc, raw.path)) !== JSON.stringify(raw.value)) {
          throw new PatchError(`test operation failed at ${raw.path}`);
        }
        break;
      default:
        throw new PatchError(`unknown JSON patch operation ${(raw as { op?: string }).op}`);
    }
  }
  return doc;
}
