import { compileReportSchema } from '../../src/report/schema.js';

const validate = compileReportSchema();

/** Validates a parsed JSON report against schema/report.schema.json; returns the errors, [] when valid. */
export function reportSchemaErrors(value: unknown): string[] {
  return validate(value).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
}

/** Throws with every schema error when the report (object or JSON text) is not schemaVersion 1. */
export function validateReport(report: unknown): void {
  const value = typeof report === 'string' ? (JSON.parse(report) as unknown) : report;
  const errors = reportSchemaErrors(value);
  if (errors.length > 0)
    throw new Error(`report does not match schema/report.schema.json:\n${errors.join('\n')}`);
}
