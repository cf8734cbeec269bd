/** Label and field selectors as the API server parses them (equality- and set-based). */

export type LabelRequirement =
  | { readonly op: 'exists' | 'notexists'; readonly key: string }
  | { readonly op: 'in' | 'notin'; readonly key: string; readonly values: readonly string[] };

export class SelectorError extends Error {}

/** Splits on commas outside parentheses. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth += 1;
    if (ch === ')') depth -= 1;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

export function parseLabelSelector(text: string | null | undefined): LabelRequirement[] {
  if (!text) return [];
  return splitTopLevel(text).map((part): LabelRequirement => {
    const set = /^([^\s!=(),]+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(part);
    if (set) {
      const values = (set[3] ?? '')
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== '');
      return { op: set[2] as 'in' | 'notin', key: set[1] as string, values };
    }
    const eq = /^([^\s!=(),]+)\s*(==|=|!=)\s*([^\s=(),]*)$/.exec(part);
    if (eq) {
      const values = [eq[3] ?? ''];
      return { op: eq[2] === '!=' ? 'notin' : 'in', key: eq[1] as string, values };
    }
    const not = /^!\s*([^\s!=(),]+)$/.exec(part);
    if (not) return { op: 'notexists', key: not[1] as string };
    if (/^[^\s!=(),]+$/.test(part)) return { op: 'exists', key: part };
    throw new SelectorError(`unable to parse requirement: ${part}`);
  });
}

export function matchesLabels(
  requirements: readonly LabelRequirement[],
  labels: Record<string, string> | undefined,
): boolean {
  for (const r of requirements) {
    const has = labels !== undefined && Object.hasOwn(labels, r.key);
    const value = has ? labels?.[r.key] : undefined;
    switch (r.op) {
      case 'exists':
        if (!has) return false;
        break;
      case 'notexists':
        if (has) return false;
        break;
      case 'in':
        if (!has || !r.values.includes(value as string)) return false;
        break;
      case 'notin':
        if (has && r.values.includes(value as string)) return false;
        break;
    }
  }
  return true;
}

export interface FieldRequirement {
  readonly path: readonly string[];
  readonly negate: boolean;
  readonly value: string;
}

export function parseFieldSelector(text: string | null | undefined): FieldRequirement[] {
  if (!text) return [];
  return splitTopLevel(text).map((part) => {
    const m = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/.exec(part);
    if (!m) throw new SelectorError(`invalid field selector: ${part}`);
    return { path: (m[1] as string).split('.'), negate: m[2] === '!=', value: m[3] ?? '' };
  });
}

/** Any dotted path works (metadata.name, metadata.namespace, spec.nodeName, status.phase, ...). */
export function matchesFields(
  requirements: readonly FieldRequirement[],
  obj: Record<string, unknown>,
): boolean {
  for (const r of requirements) {
    let cursor: unknown = obj;
    for (const key of r.path) {
      cursor =
        cursor !== null && typeof cursor === 'object' ? (cursor as Record<string, unknown>)[key] : undefined;
    }
    const actual = cursor === undefined || cursor === null ? '' : String(cursor);
    if ((actual === r.value) === r.negate) return false;
  }
  return true;
}
