import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Writes through a temporary file in the same folder, fsynced, then renamed over the target: a
 * reader (node_exporter's textfile collector, a CI step) sees the old report or the new one, never
 * half of one, whether the content source throws mid-way or the process is killed mid-write.
 * Content may be a string or chunks (a generator that may throw: the target is left untouched).
 */
export function writeFileAtomic(path: string, content: string | Iterable<string>): void {
  stageFileAtomic(path, content).commit();
}

/** A file written to its temporary name and fsynced: commit() renames it over the target. */
export interface StagedFile {
  readonly path: string;
  commit(): void;
  discard(): void;
}

/**
 * The first half of writeFileAtomic: several reports are all staged before any is committed, so
 * a renderer that throws half-way leaves every report as it was.
 */
export function stageFileAtomic(path: string, content: string | Iterable<string>): StagedFile {
  if (isSpecialFile(path)) {
    // A stream has no temporary name: written when committed.
    return { path, commit: () => writeInPlace(path, content), discard: () => {} };
  }
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(temp, 'wx', 0o644);
    writeChunks(fd, content);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    rmSync(temp, { force: true });
    throw err;
  }
  return {
    path,
    commit: () => renameSync(temp, path),
    discard: () => rmSync(temp, { force: true }),
  };
}

/**
 * Several files written as one: each folder made, every file staged (its content rendered as it
 * is written, so a large report is never held whole), then all renamed. Content that throws
 * leaves every file as it was, and a rename that fails leaves no temporary file behind.
 */
export function writeFilesAtomic(
  files: readonly { readonly path: string; readonly content: () => string | Iterable<string> }[],
  onWritten: (path: string) => void = () => {},
): void {
  for (const dir of new Set(files.map((f) => dirname(f.path)))) mkdirSync(dir, { recursive: true });
  const staged: StagedFile[] = [];
  try {
    for (const f of files) staged.push(stageFileAtomic(f.path, f.content()));
  } catch (err) {
    for (const file of staged) file.discard();
    throw err;
  }
  for (const [i, file] of staged.entries()) {
    try {
      file.commit();
    } catch (err) {
      for (const rest of staged.slice(i)) rest.discard();
      throw err;
    }
    onWritten(file.path);
  }
}

/**
 * Pieces are encoded into one reused megabyte buffer per write(2): few system calls, no whole-file
 * buffer, and each piece dies young (gathering them as strings first kept a megabyte of pieces
 * alive across collections, promoting most of a 25 MB report to the old generation as garbage).
 */
const WRITE_BATCH = 1 << 20;

function writeChunks(fd: number, content: string | Iterable<string>): void {
  if (typeof content === 'string') {
    writeAll(fd, Buffer.from(content, 'utf8'));
    return;
  }
  const buffer = Buffer.allocUnsafe(WRITE_BATCH);
  let used = 0;
  let carry = '';
  const flush = () => {
    writeAll(fd, buffer.subarray(0, used));
    used = 0;
  };
  for (let chunk of content) {
    if (carry) {
      chunk = carry + chunk;
      carry = '';
    }
    // A surrogate pair split between pieces is encoded whole, as if the pieces were joined first.
    const last = chunk.charCodeAt(chunk.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) {
      carry = chunk.slice(-1);
      chunk = chunk.slice(0, -1);
    }
    // At most 3 bytes per UTF-16 unit: a piece that may not fit is written after a flush.
    if (chunk.length * 3 > WRITE_BATCH - used) {
      if (used > 0) flush();
      if (chunk.length * 3 > WRITE_BATCH) {
        writeAll(fd, Buffer.from(chunk, 'utf8'));
        continue;
      }
    }
    used += buffer.write(chunk, used, 'utf8');
  }
  if (carry) used += buffer.write(carry, used, 'utf8');
  if (used > 0) flush();
}

/** write(2) until every byte is out (a write may take fewer bytes than asked). */
function writeAll(fd: number, bytes: Uint8Array): void {
  for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
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
    writeChunks(fd, content);
  } finally {
    closeSync(fd);
  }
}
