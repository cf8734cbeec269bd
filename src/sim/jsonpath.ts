/**
 * The subset of Kubernetes JSONPath that CRD printer columns use: `.a.b`, escaped dots
 * (`.metadata.labels.cluster\.x-k8s\.io/cluster-name`), `['key']`, `[0]`, `[*]` and
 * `[?(@.type=="Ready")]`. Returns every match.
 */
type Step =
  | { readonly kind: 'field'; readonly name: string }
  | { readonly kind: 'index'; readonly index: number }
  | { readonly kind: 'all' }
  | { readonly kind: 'filter'; readonly path: readonly string[]; readonly value: string };

export function parseJsonPath(expression: string): Step[] {
  let text = expression.trim();
  if (text.startsWith('{') && text.endsWith('}')) text = text.slice(1, -1);
  if (text.startsWith('$')) text = text.slice(1);
  const steps: Step[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '.') {
      i += 1;
      let name = '';
      while (i < text.length && text[i] !== '.' && text[i] !== '[') {
        if (text[i] === '\\' && i + 1 < text.length) {
          name += text[i + 1];
          i += 2;
        } else {
          name += text[i];
          i += 1;
        }
      }
      if (name !== '') steps.push({ kind: 'field', name });
    } else if (ch === '[') {
      const end = findClose(text, i);
      const inner = text.slice(i + 1, end).trim();
      i = end + 1;
      if (inner === '*') steps.push({ kind: 'all' });
      else if (/^-?\d+$/.test(inner)) steps.push({ kind: 'index', index: Number(inner) });
      else if (/^'.*'$|^".*"$/.test(inner))
        steps.push({ kind: 'field', name: inner.slice(1, -1).replace(/\\(.)/g, '$1') });
      else {
        const filter = /^\?\(@\.([\w.]+)\s*==\s*["']([^"']*)["']\)$/.exec(inner);
        if (!filter) throw new Error(`unsupported JSONPath step [${inner}] in ${expression}`);
        steps.push({ kind: 'filter', path: (filter[1] as string).split('.'), value: filter[2] as string });
      }
    } else {
      throw new Error(`unexpected "${ch}" in JSONPath ${expression}`);
    }
  }
  return steps;
}

function findClose(text: string, open: number): number {
  let quote: string | undefined;
  for (let i = open + 1; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === ']') return i;
  }
  throw new Error(`unclosed [ in JSONPath ${text}`);
}

export function evaluateJsonPath(steps: readonly Step[], root: unknown): unknown[] {
  let current: unknown[] = [root];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const value of current) {
      if (value === null || typeof value !== 'object') continue;
      switch (step.kind) {
        case 'field': {
          const v = (value as Record<string, unknown>)[step.name];
          if (v !== undefined) next.push(v);
          break;
        }
        case 'index': {
          if (!Array.isArray(value)) break;
          const v = value[step.index < 0 ? value.length + step.index : step.index];
          if (v !== undefined) next.push(v);
          break;
        }
        case 'all':
          next.push(...(Array.isArray(value) ? value : Object.values(value)));
          break;
        case 'filter': {
          if (!Array.isArray(value)) break;
          for (const item of value) {
            let cursor: unknown = item;
            for (const key of step.path) {
              cursor =
                cursor !== null && typeof cursor === 'object'
                  ? (cursor as Record<string, unknown>)[key]
                  : undefined;
            }
            if (cursor !== undefined && String(cursor) === step.value) next.push(item);
          }
          break;
        }
      }
    }
    current = next;
  }
  return current;
}
