import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

/** Where the report and the log go is checked first: one clear line and exit 2, before any work. */
describe('output and log paths', () => {
  const dir = mkdtempSync(join(tmpdir(), 'airgap-outpaths-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const folder = join(dir, 'a-folder');
  const file = join(dir, 'a-file');
  mkdirSync(folder);
  writeFileSync(file, 'x');
  // A dump that does not exist: the path check must come before it is even looked at.
  const report = ['report', '--from-dump', join(dir, 'no-dump')];

  it.each([
    [
      ['--output-file', folder],
      `--output-file ${folder} is a folder: name a file, or use --output-dir ${folder} to write every format there`,
    ],
    [
      ['--output-dir', file],
      `--output-dir ${file} is a file, not a folder: use --output-file ${file} for one format`,
    ],
    // -o/--output is the format, as in kubectl: a folder there is one line from the parser.
    [
      ['--output', folder],
      `-o/--output takes a format (json, md, html, junit, prom), as in kubectl; to write to ${folder} use --output-file ${folder}`,
    ],
    [
      ['--log', join(dir, 'missing', 'airgap.log')],
      `--log ${join(dir, 'missing', 'airgap.log')}: cannot write it (ENOENT)`,
    ],
    [['--log', folder], `--log ${folder} is a folder: name a file`],
  ])('%j', async (flags, message) => {
    const result = await runCli([...report, ...flags]);
    expect(result.stderr).toBe(`airgap-top: ${message}\n`);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
  });
});
