import { open, readdir, realpath } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import type { SFTPWrapper } from 'ssh2';
import { errorMessage } from '../../core/errors.js';

/**
 * Where a node's files come from: SFTP on a live node, or a directory of a support bundle
 * (`report --from-dump DIR` reads `DIR/nodes/<node>/etc/containerd/...`). Read-only by construction.
 */
export type FileErrorKind = 'missing' | 'permission' | 'outside' | 'timeout' | 'too-large' | 'other';

/** containerd files are a few KiB; anything bigger is refused rather than held in memory. */
export const MAX_NODE_FILE_BYTES = 1024 * 1024;
/** One read request: a typical config file is one round trip. */
const READ_CHUNK_BYTES = 64 * 1024;

export class NodeFileError extends Error {
  override readonly name = 'NodeFileError';
  constructor(
    readonly kind: FileErrorKind,
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

export interface DirEntry {
  readonly name: string;
  readonly isDirectory: boolean;
}

export interface NodeFileSource {
  /** Where the files come from, for messages (`capv@10.0.0.5:22`, `dump:/tmp/bundle/nodes/n1`). */
  readonly description: string;
  readFile(path: string): Promise<Buffer>;
  /** Entries of a directory (no `.`/`..`); a missing directory is a NodeFileError 'missing'. */
  readDir(path: string): Promise<DirEntry[]>;
  close(): void;
}

/** Node names come from the cluster: only a plain name may become a directory. */
export function safeNodeDirName(node: string): string | undefined {
  return /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(node) && !node.includes('..') ? node : undefined;
}

export function tooLargeError(path: string, maxBytes: number): NodeFileError {
  return new NodeFileError(
    'too-large',
    path,
    `${path}: larger than the ${formatBytes(maxBytes)} read cap, not read`,
  );
}

function formatBytes(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}

/**
 * Reads chunks until EOF or one byte past the cap: the cap holds whatever `stat` said (a link to
 * /dev/zero or a FIFO reports size 0 and never ends).
 */
async function readCapped(
  path: string,
  maxBytes: number,
  readChunk: (buffer: Buffer, position: number) => Promise<number>,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  while (total <= maxBytes) {
    const buffer = Buffer.alloc(Math.min(READ_CHUNK_BYTES, maxBytes + 1 - total));
    const n = await readChunk(buffer, total);
    if (n === 0) break;
    chunks.push(buffer.subarray(0, n));
    total += n;
  }
  if (total > maxBytes) throw tooLargeError(path, maxBytes);
  return Buffer.concat(chunks, total);
}

function fsError(err: unknown, path: string): NodeFileError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ELOOP')
    return new NodeFileError('other', path, `${path}: symbolic link loop (too many levels of links)`);
  if (code === 'ENOENT' || code === 'ENOTDIR')
    return new NodeFileError('missing', path, `${path}: no such file or directory`);
  if (code === 'EACCES' || code === 'EPERM')
    return new NodeFileError('permission', path, `${path}: permission denied`);
  return new NodeFileError('other', path, `${path}: ${errorMessage(err)}`);
}

/** True when `full` is `root` or below it. */
export function isInside(root: string, full: string): boolean {
  return full === root || full.startsWith(root.endsWith(sep) ? root : root + sep);
}

/**
 * Files of one node inside a support bundle: node paths map below `root`, never outside it, and a
 * symbolic link is followed only while its target stays inside the node's directory.
 */
export class DirectoryFileSource implements NodeFileSource {
  readonly description: string;
  private readonly root: string;

  constructor(
    root: string,
    private readonly maxFileBytes = MAX_NODE_FILE_BYTES,
  ) {
    this.root = resolve(root);
    this.description = `dump:${this.root}`;
  }

  private async local(path: string): Promise<string> {
    const outside = () =>
      new NodeFileError('outside', path, `${path}: outside the node's dump directory, not followed`);
    const full = resolve(this.root, `.${path.startsWith('/') ? path : `/${path}`}`);
    if (!isInside(this.root, full)) throw outside();
    // Links are resolved before anything is opened: a link to /etc/shadow or /dev/zero is refused.
    const [realRoot, real] = await Promise.all([realpath(this.root), realpath(full)]);
    if (!isInside(realRoot, real)) throw outside();
    return real;
  }

  async readFile(path: string): Promise<Buffer> {
    try {
      const handle = await open(await this.local(path), 'r');
      try {
        if ((await handle.stat()).isDirectory())
          throw new NodeFileError('other', path, `${path}: is a directory`);
        return await readCapped(
          path,
          this.maxFileBytes,
          async (buffer, position) => (await handle.read(buffer, 0, buffer.length, position)).bytesRead,
        );
      } finally {
        await handle.close();
      }
    } catch (err) {
      if (err instanceof NodeFileError) throw err;
      throw fsError(err, path);
    }
  }

  async readDir(path: string): Promise<DirEntry[]> {
    try {
      const entries = await readdir(await this.local(path), { withFileTypes: true });
      return entries.map((e) => ({ name: e.name, isDirectory: e.isDirectory() }));
    } catch (err) {
      if (err instanceof NodeFileError) throw err;
      throw fsError(err, path);
    }
  }

  close(): void {}
}

const SFTP_NO_SUCH_FILE = 2;
const SFTP_PERMISSION_DENIED = 3;

function sftpError(err: unknown, path: string): NodeFileError {
  const code = (err as { code?: number }).code;
  if (code === SFTP_NO_SUCH_FILE)
    return new NodeFileError('missing', path, `${path}: no such file or directory`);
  if (code === SFTP_PERMISSION_DENIED)
    return new NodeFileError('permission', path, `${path}: permission denied`);
  return new NodeFileError('other', path, `${path}: ${errorMessage(err)}`);
}

/**
 * Files over SFTP (no shell, no command built from names). Every read shares one deadline: a node
 * that stalls cannot hold the sweep longer than the read timeout.
 */
export class SftpFileSource implements NodeFileSource {
  private readonly deadline: number;

  constructor(
    private readonly sftp: SFTPWrapper,
    readonly description: string,
    readTimeoutMs: number,
    private readonly onClose: () => void,
    private readonly maxFileBytes = MAX_NODE_FILE_BYTES,
  ) {
    this.deadline = Date.now() + readTimeoutMs;
  }

  private withDeadline<T>(path: string, op: (done: (err: unknown, value?: T) => void) => void): Promise<T> {
    return new Promise<T>((resolvePromise, reject) => {
      const remaining = this.deadline - Date.now();
      if (remaining <= 0) {
        reject(new NodeFileError('timeout', path, `${path}: read timeout exceeded`));
        return;
      }
      const timer = setTimeout(
        () => reject(new NodeFileError('timeout', path, `${path}: no answer within the read timeout`)),
        remaining,
      );
      op((err, value) => {
        clearTimeout(timer);
        if (err) reject(sftpError(err, path));
        else resolvePromise(value as T);
      });
    });
  }

  async readFile(path: string): Promise<Buffer> {
    const stats = await this.withDeadline<{ size?: number; isDirectory(): boolean }>(path, (done) =>
      this.sftp.stat(path, (err, s) => done(err, s)),
    );
    if (stats.isDirectory()) throw new NodeFileError('other', path, `${path}: is a directory`);
    if ((stats.size ?? 0) > this.maxFileBytes) throw tooLargeError(path, this.maxFileBytes);
    const handle = await this.withDeadline<Buffer>(path, (done) =>
      this.sftp.open(path, 'r', (err, h) => done(err, h)),
    );
    try {
      return await readCapped(path, this.maxFileBytes, (buffer, position) =>
        this.withDeadline<number>(path, (done) =>
          this.sftp.read(handle, buffer, 0, buffer.length, position, (err, n) => done(err, n)),
        ),
      );
    } finally {
      this.sftp.close(handle, () => {});
    }
  }

  async readDir(path: string): Promise<DirEntry[]> {
    const list = await this.withDeadline<{ filename: string; attrs: { isDirectory(): boolean } }[]>(
      path,
      (done) => this.sftp.readdir(path, (err, l) => done(err, l)),
    );
    return list
      .filter((e) => e.filename !== '.' && e.filename !== '..')
      .map((e) => ({ name: e.filename, isDirectory: e.attrs.isDirectory() }));
  }

  close(): void {
    this.onClose();
  }
}
