import { readFileSync } from 'node:fs';

/** Read once from package.json; a module of its own so `--version` loads nothing else. */
export const TOOL_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
