import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';

/** Set by the bundler (scripts/bundle.mjs): the package root, relative to the bundle file. */
declare const AIRGAP_TOP_BUNDLE: string | undefined;

/**
 * schema/report.schema.json, beside src/ and dist/ alike (the package ships it); the bundle sits at
 * the package root. Resolved when first needed (import.meta.dirname is not set in a bundle), so a
 * run without --diff never touches it.
 */
function schemaPath(file = 'report.schema.json'): string {
  const relative = typeof AIRGAP_TOP_BUNDLE !== 'undefined' ? AIRGAP_TOP_BUNDLE : '../../';
  return fileURLToPath(new URL(`${relative}schema/${file}`, import.meta.url));
}

function readSchema(file: string): object {
  return JSON.parse(readFileSync(schemaPath(file), 'utf8')) as object;
}

/** RFC 3339 date-time, as Date#toISOString writes it (ajv-formats is not a dependency for one format). */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export type ReportValidator = (value: unknown) => readonly ErrorObject[];

function newAjv(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: true, verbose: true });
  ajv.addFormat('date-time', {
    type: 'string',
    validate: (value: string) => DATE_TIME.test(value) && !Number.isNaN(Date.parse(value)),
  });
  return ajv;
}

/** Compiles the JSON report schema (schemaVersion 1); the validator answers the errors, [] when valid. */
export function compileReportSchema(): ReportValidator {
  const validate = newAjv().compile(readSchema('report.schema.json'));
  return (value) => (validate(value) ? [] : (validate.errors ?? []));
}

/** Compiles schema/diff.schema.json (the JSON `--diff`), which takes its finding parts from the report schema. */
export function compileDiffSchema(): ReportValidator {
  const ajv = newAjv();
  ajv.addSchema(readSchema('report.schema.json'));
  const validate = ajv.compile(readSchema('diff.schema.json'));
  return (value) => (validate(value) ? [] : (validate.errors ?? []));
}

/**
 * One schema error in the words of the report's own fields: `probes[0].findings[1].severity is
 * not a severity`, `probes is not an array`.
 */
export function describeSchemaError(e: ErrorObject): string {
  const at = fieldPath(e.instancePath);
  const expected = (schema: unknown, schemaPath: string) => describeExpected(schema, schemaPath);
  switch (e.keyword) {
    case 'required': {
      const name = String(e.params.missingProperty);
      const where = at ? `${at}.${name}` : name;
      const properties = (e.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties;
      return `${where} is not ${describeExpected(properties?.[name], '')}`;
    }
    case 'type':
    case 'enum':
    case 'const':
    case 'format':
      return `${at || 'the report'} is not ${expected(e.parentSchema, e.schemaPath)}`;
    default:
      return `${at || 'the report'} ${e.message ?? 'is invalid'}`;
  }
}

/** `/probes/0/findings/1` -> `probes[0].findings[1]`. */
function fieldPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '');
}

/** What a schema asks for, in a few words: a named definition by its name, else its type. */
function describeExpected(schema: unknown, schemaPath: string): string {
  const named = /^#\/\$defs\/([A-Za-z]+)\/[a-z]+$/.exec(schemaPath)?.[1];
  if (named) return withArticle(words(named));
  const s = (schema ?? {}) as { $ref?: string; type?: string | string[]; const?: unknown; format?: string };
  if (s.$ref) return withArticle(words(s.$ref.split('/').pop() ?? 'value'));
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.format) return withArticle(s.format);
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  if (types.length === 0) return 'valid';
  return types.map((t) => (t === 'null' ? 'null' : withArticle(t))).join(' or ');
}

/** `probeStatus` -> `probe status`. */
function words(name: string): string {
  return name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

function withArticle(noun: string): string {
  return `${/^[aeiou]/.test(noun) ? 'an' : 'a'} ${noun}`;
}
