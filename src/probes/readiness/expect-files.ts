import { readFileSync } from 'node:fs';
import { errorMessage, UserFacingError } from '../../core/errors.js';
import type { Config, ExpectSpec } from '../../model/config.js';
import { cseExpectSet, ExpectFileError, parseExpectFile } from '../../model/readiness/expect-files.js';
import type { ExpectSet } from '../../model/readiness/types.js';
import { isRegistryBom } from './registry-bom.js';

/**
 * Reads the expect files the config and --expect name (I/O; the parsing is pure, in
 * model/readiness/expect-files.ts), plus the CSE plugin inventory under profile cse. A file that
 * cannot be read or parsed is one UserFacingError naming the file and line (report: exit 2).
 */
export function readExpectSets(config: Config): ExpectSet[] {
  // BOMs read from the registry itself (oci://) are the probe's: they need the registry client.
  const sets = (config.registry.expect ?? [])
    .filter((spec) => !isRegistryBom(spec))
    .map((spec) => readExpectFile(spec, config));
  if (config.registry.profile === 'cse' && config.registry.private.length > 0) {
    sets.push(cseExpectSet(config.registry.private));
  }
  return sets;
}

/** One expect file, its destination the spec's REPO or the first [registry] private prefix. */
export function readExpectFile(spec: ExpectSpec, config: Config): ExpectSet {
  let text: string;
  try {
    text = readFileSync(spec.file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserFacingError(`expect file ${spec.file}: cannot read it (${code ?? errorMessage(err)})`);
  }
  const destination = spec.repo ?? config.registry.private[0];
  try {
    return parseExpectFile(text, spec.file, destination ? { destination } : {});
  } catch (err) {
    if (err instanceof ExpectFileError) throw new UserFacingError(`expect file ${err.message}`);
    throw err;
  }
}
