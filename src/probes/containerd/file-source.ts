import { readdir, readFile } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import type { SFTPWrapper } from 'ssh2';
import { errorMessage } from '../../core/errors.js';

/**
 * Where a node's files come from: SFTP on a live node, or a directory of a support bundle
 * (`report --from-dump DIR` reads `DIR/nodes/<node>/etc/containerd/...`). Read-only by construction.
 */
export type FileErrorKind = 'missing' | 'permission' | 'timeout' | 'other';

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

function fsError(err: unknown, path: string): NodeFileError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR')
    return new NodeFileError('missing', path, `${path}: no such file or directory`);
  if (code === 'EACCES' || code === 'EPERM')
    return new NodeFileError('permission', path, `${path}: permission denied`);
  return new NodeFileError('other', path, `${path}: ${errorMessage(err)}`);
}

/** Files of one node inside a support bundle: node paths map below `root`, never outside it. */
export class DirectoryFileSource implements NodeFileSource {
  readonly description: string;
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
    this.description = `dump:${this.root}`;
  }

  private local(path: string): string {
    const full = resolve(this.root, `.${path.startsWith('/') ? path : `/${path}`}`);
    if (full !== this.root && !full.startsWith(this.root + sep)) {
      throw new NodeFileError('permission', path, `${path}: outside the node's dump directory`);
    }
    return full;
  }

  async readFile(path: string): Promise<Buffer> {
    try {
      return await readFile(this.local(path));
    } catch (err) {
      if (err instanceof NodeFileError) throw err;
      throw fsError(err, path);
    }
  }

  async readDir(path: string): Promise<DirEntry[]> {
    try {
      const entries = await readdir(this.local(path), { withFileTypes: true });
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
    private readonly maxFileBytes = 1024 * 1024,
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
    if ((stats.size ?? 0) > this.maxFileBytes) {
      throw new NodeFileError('other', path, `${path}: larger than ${this.maxFileBytes} bytes, not read`);
    }
    return this.withDeadline<Buffer>(path, (done) =>
      this.sftp.readFile(path, (err, data) => done(err, data)),
    );
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
