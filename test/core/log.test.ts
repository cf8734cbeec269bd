import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Logger } from '../../src/core/log.js';

describe('Logger: a server message never drives the terminal that tails the log', () => {
  const dir = mkdtempSync(join(tmpdir(), 'airgap-top-log-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('control characters and bidi overrides are visible escapes; a newline cannot forge a line', () => {
    const path = join(dir, 'a.log');
    const log = new Logger({ file: path });
    log.warn(
      'watch failed: \u001b]0;PWNED\u0007 \u001b[2J\u001b[32mALL CHECKS PASSED \u202Eevil\n2026-01-01T00:00:00.000Z INFO fine',
    );
    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain('\u001b');
    expect(text).not.toContain('\u202E');
    expect(text).toContain('\\x1b]0;PWNED\\x07 \\x1b[2J\\x1b[32mALL CHECKS PASSED \\u202eevil');
    // The forged line is a continuation (indented), not a log line of its own.
    expect(text.split('\n').filter((l) => /^\d{4}-/.test(l))).toHaveLength(1);
    expect(log.recent[0]?.message).not.toContain('\u001b');
  });
});
