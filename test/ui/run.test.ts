import { PassThrough } from 'node:stream';
import { expect, test, vi } from 'vitest';
import { runTuiOn } from '../../src/ui/run.js';
import { fakeSource } from './helpers.js';

test('without a terminal the TUI says what to use instead, closes the session and exits 2', async () => {
  const stdin = Object.assign(new PassThrough(), { isTTY: false }) as unknown as NodeJS.ReadStream;
  const stdout = Object.assign(new PassThrough(), { isTTY: false }) as unknown as NodeJS.WriteStream;
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const close = vi.fn();
  const start = vi.fn(async () => undefined);
  try {
    const code = await runTuiOn(fakeSource({}), start, close, { stdin, stdout });
    expect(code).toBe(2);
    expect(close).toHaveBeenCalledTimes(1);
    expect(start).not.toHaveBeenCalled();
    expect(String(stderr.mock.calls[0]?.[0])).toContain('use "airgap-top report"');
  } finally {
    stderr.mockRestore();
  }
});

test.each([
  ['stdout redirected (airgap-top > file)', true, false, '(stdout is not a TTY)'],
  ['stdin not a terminal', false, true, '(stdin is not a TTY)'],
  ['neither', false, false, '(stdin and stdout are not a TTY)'],
])('%s: refused with exit 2 and the same hint', async (_name, inTTY, outTTY, why) => {
  const stdin = Object.assign(new PassThrough(), { isTTY: inTTY }) as unknown as NodeJS.ReadStream;
  const stdout = Object.assign(new PassThrough(), { isTTY: outTTY }) as unknown as NodeJS.WriteStream;
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const start = vi.fn(async () => undefined);
  try {
    expect(await runTuiOn(fakeSource({}), start, vi.fn(), { stdin, stdout })).toBe(2);
    expect(start).not.toHaveBeenCalled();
    const text = String(stderr.mock.calls[0]?.[0]);
    expect(text).toContain(why);
    expect(text).toContain('for pipelines use "airgap-top report"');
  } finally {
    stderr.mockRestore();
  }
});
