import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';

const SCHEMA_PATH = join(import.meta.dirname, '../../schema/report.schema.json');

const ajv = new Ajv2020({ allErrors: true, strict: true });
// RFC 3339 date-time, as Date#toISOString writes it (ajv-formats is not a dependency for one format).
ajv.addFormat('date-time', {
  type: 'string',
  validate: (value: string) =>
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value) &&
    !Number.isNaN(Date.parse(value)),
});
const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as object);

/** Validates a parsed JSON report against schema/report.schema.json; returns the errors, [] when valid. */
export function reportSchemaErrors(value: unknown): string[] {
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
}

/** Throws with every schema error when the report (object or JSON text) is not schemaVersion 1. */
export function validateReport(report: unknown): void {
  const value = typeof report === 'string' ? (JSON.parse(report) as unknown) : report;
  const errors = reportSchemaErrors(value);
  if (errors.length > 0)
    throw new Error(`report does not match schema/report.schema.json:\n${errors.join('\n')}`);
}
