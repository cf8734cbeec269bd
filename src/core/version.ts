import { readFileSync } from 'node:fs';

/** Set by the bundler (scripts/package.mjs): a bundle has no package.json beside it to read. */
declare const AIRGAP_TOP_VERSION: string | undefined;

/** Read once from package.json; a module of its own so `--version` loads nothing else. */
export const TOOL_VERSION: string =
  typeof AIRGAP_TOP_VERSION === 'string'
    ? AIRGAP_TOP_VERSION
    : (
        JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
          version: string;
        }
      ).version;
