import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Writes through a temporary file in the same folder, fsynced, then renamed over the target: a
 * reader (node_exporter's textfile collector, a CI step) sees the old report or the new one, never
 * half of one, whether the content source throws mid-way or the process is killed mid-write.
 * Content may be a string or chunks (a generator that may throw: the target is left untouched).
 */
export function writeFileAtomic(path: string, content: string | Iterable<string>): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(temp, 'wx', 0o644);
    for (const chunk of typeof content === 'string' ? [content] : content) writeSync(fd, chunk);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, path);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    rmSync(temp, { force: true });
    throw err;
  }
}
