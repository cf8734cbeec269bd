import { closeSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Writes through a temporary file in the same folder, fsynced, then renamed over the target: a
 * reader (node_exporter's textfile collector, a CI step) sees the old report or the new one, never
 * half of one, whether the content source throws mid-way or the process is killed mid-write.
 * Content may be a string or chunks (a generator that may throw: the target is left untouched).
 */
export function writeFileAtomic(path: string, content: string | Iterable<string>): void {
  if (isSpecialFile(path)) {
    writeInPlace(path, content);
    return;
  }
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

/**
 * A device, FIFO or socket (`--output-file /dev/null`, `/dev/stdout`, a named pipe): renaming a
 * temporary file over it would replace the device node itself with a regular file, so it is
 * written in place. Atomicity means nothing for a stream anyway.
 */
function isSpecialFile(path: string): boolean {
  try {
    const st = statSync(path);
    return !st.isFile() && !st.isDirectory();
  } catch {
    return false;
  }
}

function writeInPlace(path: string, content: string | Iterable<string>): void {
  const fd = openSync(path, 'w');
  try {
    for (const chunk of typeof content === 'string' ? [content] : content) writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
}
