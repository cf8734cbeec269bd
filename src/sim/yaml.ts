import {
  type DocumentOptions,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  type ParseOptions,
  parseAllDocuments,
  type ScalarTag,
  type SchemaOptions,
  type Tags,
} from 'yaml';

/**
 * YAML for scenarios and request bodies, read as the simulator always read it (js-yaml's core
 * schema until the project settled on one YAML library): unquoted timestamps, `on`/`yes`/`no` stay
 * strings; ints are decimal, 0x, 0o or 0b (an optional sign on each); floats as js-yaml wrote them
 * (`+.5` is a string); non-string keys become String(key) (`~` is "null"); duplicate keys, unknown
 * tags and explicit tags that do not fit their value are errors; aliases share the anchored value.
 */

const INT = /^[-+]?(?:0b[01]+|0x[0-9a-fA-F]+|0o[0-7]+|[0-9]+)$/;
const FLOAT =
  /^(?:[-+]?[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|\.[0-9]+(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

function intValue(text: string): number {
  const sign = text.startsWith('-') ? -1 : 1;
  const digits = text.startsWith('-') || text.startsWith('+') ? text.slice(1) : text;
  if (digits === '0') return 0;
  if (digits.startsWith('0b')) return sign * Number.parseInt(digits.slice(2), 2);
  if (digits.startsWith('0x')) return sign * Number.parseInt(digits.slice(2), 16);
  if (digits.startsWith('0o')) return sign * Number.parseInt(digits.slice(2), 8);
  return sign * Number.parseInt(digits, 10);
}

function floatValue(text: string): number {
  const lower = text.toLowerCase();
  const sign = lower.startsWith('-') ? -1 : 1;
  const rest = lower.startsWith('-') || lower.startsWith('+') ? lower.slice(1) : lower;
  if (rest === '.inf') return sign * Number.POSITIVE_INFINITY;
  if (rest === '.nan') return Number.NaN;
  return sign * Number.parseFloat(rest);
}

const NULL_TAG: ScalarTag = {
  tag: 'tag:yaml.org,2002:null',
  default: true,
  test: /^(?:~|null|Null|NULL)?$/,
  identify: (value) => value === null,
  resolve: () => null,
};

const BOOL_TAG: ScalarTag = {
  tag: 'tag:yaml.org,2002:bool',
  default: true,
  test: /^(?:true|True|TRUE|false|False|FALSE)$/,
  identify: (value) => typeof value === 'boolean',
  resolve: (text) => text === 'true' || text === 'True' || text === 'TRUE',
};

/** An int too large for a double is not an int (nor a float): it stays a string, as before. */
const INT_TAG: ScalarTag = {
  tag: 'tag:yaml.org,2002:int',
  default: true,
  test: INT,
  identify: (value) => typeof value === 'number' && Number.isInteger(value),
  resolve: (text) => {
    const value = intValue(text);
    return Number.isFinite(value) ? value : text;
  },
};

const FLOAT_TAG: ScalarTag = {
  tag: 'tag:yaml.org,2002:float',
  default: true,
  test: FLOAT,
  identify: (value) => typeof value === 'number',
  resolve: (text) => {
    const value = floatValue(text);
    return Number.isFinite(value) || /^[-+]?\.(?:inf|nan)$/i.test(text) ? value : text;
  },
};

const SCALAR_TAGS = new Set([
  'tag:yaml.org,2002:null',
  'tag:yaml.org,2002:bool',
  'tag:yaml.org,2002:int',
  'tag:yaml.org,2002:float',
]);

/** map, seq and str of the core schema; null, bool, int and float as above, in that order. */
function coreTags(tags: Tags): Tags {
  const kept = tags.filter((t) => typeof t !== 'string' && !SCALAR_TAGS.has(t.tag));
  return [...kept, NULL_TAG, BOOL_TAG, INT_TAG, FLOAT_TAG];
}

const OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  schema: 'core',
  customTags: coreTags,
  resolveKnownTags: false,
  uniqueKeys: false,
  keepSourceTokens: false,
};

class YamlError extends Error {}

/** Every document of a YAML stream as plain values (an empty document is null). */
export function parseYamlDocuments(text: string): unknown[] {
  const lines = new LineCounter();
  const parsed = parseAllDocuments(text, { ...OPTIONS, lineCounter: lines });
  const documents = Array.isArray(parsed) ? parsed : [];
  return documents.map((doc) => {
    const problem =
      doc.errors[0] ?? doc.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED' || w.code === 'BAD_ALIAS');
    if (problem) throw new YamlError(problem.message);
    return toValue(doc.contents as Node | null, new Map(), lines);
  });
}

/** The one document of a YAML text (undefined when there is none); more than one is an error. */
export function parseYamlDocument(text: string): unknown {
  const documents = parseYamlDocuments(text);
  if (documents.length > 1) throw new YamlError('expected a single document in the stream, but found more');
  return documents[0];
}

/**
 * Converts a node in document order; `anchors` holds the value of each anchor seen so far, so an
 * alias is the very value its anchor made (and a later anchor of the same name takes over).
 */
function toValue(node: Node | null, anchors: Map<string, unknown>, lines: LineCounter): unknown {
  if (node === null) return null;
  if (isAlias(node)) {
    if (!anchors.has(node.source)) throw new YamlError(`unidentified alias "${node.source}"`);
    return anchors.get(node.source);
  }
  if (isScalar(node)) {
    if (node.anchor) anchors.set(node.anchor, node.value);
    return node.value;
  }
  if (isSeq(node)) {
    const out: unknown[] = [];
    if (node.anchor) anchors.set(node.anchor, out);
    for (const item of node.items) out.push(toValue(item as Node | null, anchors, lines));
    return out;
  }
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    if (node.anchor) anchors.set(node.anchor, out);
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      const key = keyString(toValue(keyNode, anchors, lines));
      if (Object.hasOwn(out, key)) {
        const at = keyNode?.range ? lines.linePos(keyNode.range[0]) : undefined;
        throw new YamlError(`duplicated mapping key${at ? ` (${at.line}:${at.col})` : ''}`);
      }
      const value = toValue(pair.value as Node | null, anchors, lines);
      // An own "__proto__" property, never the prototype.
      if (key === '__proto__')
        Object.defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true });
      else out[key] = value;
    }
    return out;
  }
  throw new YamlError('unsupported YAML node');
}

/** A mapping key as a JavaScript property name, the way js-yaml named them. */
function keyString(key: unknown): string {
  if (Array.isArray(key)) {
    return String(
      key.map((k) => {
        if (Array.isArray(k)) throw new YamlError('nested arrays are not supported inside keys');
        return k !== null && typeof k === 'object' ? '[object Object]' : k;
      }),
    );
  }
  if (key !== null && typeof key === 'object') return '[object Object]';
  return String(key);
}
