import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const JUNIT_XSD = join(import.meta.dirname, '../../schema/junit.xsd');
const scratch = mkdtempSync(join(tmpdir(), 'airgap-top-validate-'));
let n = 0;

export interface ToolResult {
  readonly code: number | null;
  readonly output: string;
}

/** xmllint --schema schema/junit.xsd: the real validator CI uses. */
export function xmllintJunit(xml: string): ToolResult {
  const path = join(scratch, `junit-${n++}.xml`);
  writeFileSync(path, xml);
  const r = spawnSync('xmllint', ['--noout', '--schema', JUNIT_XSD, path], { encoding: 'utf8' });
  return { code: r.status, output: `${r.stdout}${r.stderr}` };
}

/** promtool check metrics reads the exposition on stdin; exit 0 = parses and passes its lint. */
export function promtoolCheck(text: string): ToolResult {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return { code: r.status, output: `${r.stdout}${r.stderr}` };
}

/** cmark-gfm (GitHub's CommonMark + GFM reference implementation) with tables and strikethrough (bare-URL autolinks off: they are harmless); safe mode drops raw HTML. */
export function cmarkGfm(markdown: string): ToolResult {
  const r = spawnSync('cmark-gfm', ['-e', 'table', '-e', 'strikethrough'], {
    input: markdown,
    encoding: 'utf8',
  });
  return { code: r.status, output: r.stdout + r.stderr };
}
