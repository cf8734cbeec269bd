import { errorMessage } from '../core/errors.js';
import type { RecordedReport } from '../model/report-diff.js';
import { compileReportSchema, describeSchemaError } from './schema.js';

/** How many schema errors one message names; the rest are counted. */
const ERRORS_NAMED = 10;

/**
 * Reads an earlier JSON report for `--diff`, validated with schema/report.schema.json. Throws an
 * Error whose message says, in one line, what is wrong (the CLI turns it into exit 2): only
 * schemaVersion 1 reports are compared.
 */
export function parseRecordedReport(text: string): RecordedReport {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`not JSON (${errorMessage(err).split('\n')[0]})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new Error('not a JSON object');
  // The version picks the schema, so it is told apart before the schema speaks.
  const version = (value as { schemaVersion?: unknown }).schemaVersion;
  if (version !== 1) {
    throw new Error(
      `schemaVersion ${JSON.stringify(version ?? null)} is not 1 (not an airgap-top JSON report?)`,
    );
  }
  // Wrong values first, then missing ones: a wrong value is rarely a mere older writer.
  const found = compileReportSchema()(value);
  const ordered = [
    ...found.filter((e) => e.keyword !== 'required'),
    ...found.filter((e) => e.keyword === 'required'),
  ];
  const errors = [...new Set(ordered.map(describeSchemaError))];
  if (errors.length > 0) {
    const more = errors.length > ERRORS_NAMED ? ` (and ${errors.length - ERRORS_NAMED} more)` : '';
    throw new Error(`${errors.slice(0, ERRORS_NAMED).join('; ')}${more}`);
  }
  return value as RecordedReport;
}
