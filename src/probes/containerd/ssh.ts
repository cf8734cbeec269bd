import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Duplex } from 'node:stream';
import type { Client, ConnectConfig } from 'ssh2';
import { errorMessage } from '../../core/errors.js';
import { secrets } from '../../core/redact.js';
import type { NodeFailure } from '../../model/containerd/types.js';
import { SftpFileSource } from './file-source.js';
import {
  checkHostKey,
  fingerprint,
  hostToken,
  type KnownHostEntry,
  keyTypeOf,
  knownHostsLine,
  knownTypesFor,
  parseKnownHosts,
  preferredHostKeyAlgorithms,
} from './known-hosts.js';

/**
 * ssh2, loaded on first use: a report or a screen that reads no node over SSH does not pay its
 * start (its WebAssembly poly1305 is ~11 MB of memory and tens of milliseconds). ssh2 is CommonJS:
 * under Node's ESM only its default export is reliable.
 */
function ssh2(): Promise<typeof import('ssh2')> {
  return import('ssh2').then((m) => m.default);
}

/**
 * SSH as a careful operator runs it: host keys checked against known_hosts before anything is sent,
 * keys from a file and from ssh-agent, a jump host like ProxyJump, SFTP only.
 */
const DEFAULT_HOST_KEY_ALGORITHMS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

export interface SshEndpoint {
  readonly host: string;
  readonly port: number;
  readonly user: string;
}

export function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
}

/** `user@host:port` (user and port optional; `[v6]:port` allowed), like ProxyJump. */
export function parseJumpHost(spec: string, defaultUser: string): SshEndpoint {
  const at = spec.lastIndexOf('@');
  const user = at > 0 ? spec.slice(0, at) : defaultUser;
  const rest = at > 0 ? spec.slice(at + 1) : spec;
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest);
  if (v6) return { user, host: v6[1] ?? '', port: v6[2] ? Number(v6[2]) : 22 };
  const colon = rest.lastIndexOf(':');
  if (colon > 0 && /^\d+$/.test(rest.slice(colon + 1)))
    return { user, host: rest.slice(0, colon), port: Number(rest.slice(colon + 1)) };
  return { user, host: rest, port: 22 };
}

/** known_hosts: the user's file (where new keys are recorded) plus the system-wide one, read once per sweep. */
export class KnownHosts {
  private entries: KnownHostEntry[];

  constructor(
    readonly file: string,
    extraFiles: readonly string[] = [],
  ) {
    this.entries = [];
    for (const f of [file, ...extraFiles]) {
      if (existsSync(f)) this.entries.push(...parseKnownHosts(readFileSync(f, 'utf8')));
    }
  }

  check(host: string, port: number, key: Buffer) {
    return checkHostKey(this.entries, hostToken(host, port), key);
  }

  knownTypes(host: string, port: number): string[] {
    return knownTypesFor(this.entries, hostToken(host, port));
  }

  /** Trust on first use: append the key and remember it for the rest of the sweep. */
  record(host: string, port: number, key: Buffer): void {
    const line = knownHostsLine(hostToken(host, port), key);
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    appendFileSync(this.file, `${line}\n`, { mode: 0o600 });
    this.entries.push(...parseKnownHosts(line));
  }
}

export interface SshAuth {
  readonly privateKey?: Buffer;
  readonly agent?: string;
  /** Why no key could be used, for the auth-refused message. */
  readonly notes: readonly string[];
  /** What the operator must hear even if the login works (an unprotected key file), for stderr/log. */
  readonly warnings: readonly string[];
}

/**
 * OpenSSH's rule (sshkey_perm_ok): a private key file of ours that group or others can access is
 * "UNPROTECTED PRIVATE KEY FILE" and ignored. Returns the warning, or undefined when the file is fine.
 */
export function unprotectedKeyWarning(path: string): string | undefined {
  let mode: number;
  let uid: number;
  try {
    ({ mode, uid } = statSync(path));
  } catch {
    return undefined; // the read below reports a missing or unreadable file
  }
  if (uid !== process.getuid?.() || (mode & 0o077) === 0) return undefined;
  const perms = (mode & 0o777).toString(8).padStart(4, '0');
  return `WARNING: UNPROTECTED PRIVATE KEY FILE! Permissions ${perms} for '${path}' are too open: a private key must not be accessible by others (chmod 600 '${path}'). This private key will be ignored, as ssh does.`;
}

/** Keys from identity_file (else ~/.ssh/id_ed25519, id_ecdsa, id_rsa) and ssh-agent; key material is a secret. */
export async function loadAuth(
  identityFile: string | undefined,
  agentSocket: string | undefined,
): Promise<SshAuth> {
  const notes: string[] = [];
  const warnings: string[] = [];
  const candidates = identityFile
    ? [expandHome(identityFile)]
    : ['id_ed25519', 'id_ecdsa', 'id_rsa']
        .map((n) => join(homedir(), '.ssh', n))
        .filter((p) => existsSync(p));
  let privateKey: Buffer | undefined;
  for (const path of candidates) {
    const unprotected = unprotectedKeyWarning(path);
    if (unprotected) {
      warnings.push(unprotected);
      notes.push(`identity_file ${path} is readable by others and was ignored (chmod 600 it)`);
      continue;
    }
    let data: Buffer;
    try {
      data = readFileSync(path);
    } catch (err) {
      notes.push(
        `identity_file ${path} cannot be read: ${(err as NodeJS.ErrnoException).code ?? errorMessage(err)}`,
      );
      continue;
    }
    secrets.add(data.toString('utf8'));
    const parsed = (await ssh2()).utils.parseKey(data);
    if (parsed instanceof Error) {
      notes.push(`identity_file ${path} is not usable (${parsed.message}); load it into ssh-agent instead`);
      continue;
    }
    privateKey = data;
    break;
  }
  const agent = agentSocket && existsSync(agentSocket) ? agentSocket : undefined;
  if (agentSocket && !agent) notes.push(`SSH_AUTH_SOCK ${agentSocket} does not exist`);
  if (!privateKey && !agent) notes.push('no key to offer: set [ssh] identity_file or start ssh-agent');
  return { privateKey, agent, notes, warnings };
}

export interface ConnectOptions {
  readonly auth: SshAuth;
  readonly knownHosts: KnownHosts;
  readonly acceptNew: boolean;
  readonly connectTimeoutMs: number;
  readonly keepaliveMs?: number;
  /** An established jump host connection to tunnel through (ProxyJump). */
  readonly jump?: Client;
  readonly signal?: AbortSignal;
  /** The address to dial when known_hosts names the node differently (a resolved host name). */
  readonly dialHost?: string;
}

export class SshConnectError extends Error {
  override readonly name = 'SshConnectError';
  constructor(readonly failure: NodeFailure) {
    super(failure.message);
  }
}

export interface SshSession {
  readonly client: Client;
  /** Set when --ssh-accept-new recorded the host key on this connection. */
  readonly recordedKey?: string;
}

function forward(jump: Client, host: string, port: number): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    jump.forwardOut('127.0.0.1', 0, host, port, (err, stream) => (err ? reject(err) : resolve(stream)));
  });
}

function describeTarget(e: SshEndpoint, jump: boolean): string {
  return `${e.user}@${hostToken(e.host, e.port)}${jump ? ' (via jump host)' : ''}`;
}

/** Opens an SSH connection whose host key was verified before authentication. Throws SshConnectError. */
export async function connectSsh(target: SshEndpoint, options: ConnectOptions): Promise<SshSession> {
  const where = describeTarget(target, Boolean(options.jump));
  let sock: Duplex | undefined;
  if (options.jump) {
    try {
      sock = await forward(options.jump, target.host, target.port);
    } catch (err) {
      throw new SshConnectError({
        kind: 'unreachable',
        message: `the jump host could not reach ${hostToken(target.host, target.port)}: ${errorMessage(err)}`,
      });
    }
  }
  const knownTypes = options.knownHosts.knownTypes(target.host, target.port);
  let keyVerdict: KeyVerdict | undefined;
  let recordedKey: string | undefined;
  const config: ConnectConfig = {
    host: options.dialHost ?? target.host,
    port: target.port,
    username: target.user,
    sock,
    readyTimeout: options.connectTimeoutMs,
    keepaliveInterval: options.keepaliveMs ?? 5_000,
    keepaliveCountMax: 3,
    privateKey: options.auth.privateKey,
    agent: options.auth.agent,
    algorithms: {
      serverHostKey: preferredHostKeyAlgorithms(knownTypes, DEFAULT_HOST_KEY_ALGORITHMS) as never,
    },
    hostVerifier: (key: Buffer) => {
      const check = options.knownHosts.check(target.host, target.port, key);
      keyVerdict = { status: check.status, key, lines: check.lines, knownTypes: check.knownTypes };
      if (check.status === 'match') return true;
      if (check.status === 'unknown' && options.acceptNew) {
        options.knownHosts.record(target.host, target.port, key);
        recordedKey = fingerprint(key);
        return true;
      }
      return false;
    },
  };
  const client = new (await ssh2()).Client();
  return new Promise<SshSession>((resolve, reject) => {
    let settled = false;
    const onAbort = () => fail(new SshConnectError({ kind: 'unreachable', message: `${where}: cancelled` }));
    const fail = (err: SshConnectError) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      client.end();
      sock?.destroy();
      reject(err);
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    client.on('ready', () => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      resolve({ client, recordedKey });
    });
    client.on('error', (err: Error & { level?: string; code?: string }) => {
      fail(new SshConnectError(classify(err, where, keyVerdict, options)));
    });
    client.on('close', () =>
      fail(new SshConnectError({ kind: 'unreachable', message: `${where}: connection closed before login` })),
    );
    try {
      client.connect(config);
    } catch (err) {
      fail(new SshConnectError({ kind: 'auth-refused', message: `${where}: ${errorMessage(err)}` }));
    }
  });
}

interface KeyVerdict {
  readonly status: string;
  readonly key: Buffer;
  readonly lines: readonly number[];
  readonly knownTypes: readonly string[];
}

/** What known_hosts records instead of the presented key (a changed key type is named as such). */
function recordedInstead(verdict: KeyVerdict): string {
  if (verdict.status === 'revoked') return 'key (this one is revoked)';
  const type = keyTypeOf(verdict.key);
  if (verdict.knownTypes.length === 0 || verdict.knownTypes.includes(type)) return 'key';
  return `key (${verdict.knownTypes.join(', ')}; the node now offers ${type}: the key type changed)`;
}

function classify(
  err: Error & { level?: string; code?: string },
  where: string,
  verdict: KeyVerdict | undefined,
  options: ConnectOptions,
): NodeFailure {
  if (verdict && verdict.status !== 'match' && !(verdict.status === 'unknown' && options.acceptNew)) {
    const fp = fingerprint(verdict.key);
    if (verdict.status === 'unknown') {
      return {
        kind: 'host-key-unknown',
        message: `${where} presented host key ${fp}, which ${options.knownHosts.file} does not know; not connected (verify it, or use --ssh-accept-new).`,
      };
    }
    return {
      kind: 'host-key-mismatch',
      message: `${where} presented host key ${fp}, but ${options.knownHosts.file} line ${verdict.lines.join(', ')} records a different ${recordedInstead(verdict)}; not connected.`,
    };
  }
  if (err.level === 'client-authentication') {
    const notes = options.auth.notes.length > 0 ? ` (${options.auth.notes.join('; ')})` : '';
    return { kind: 'auth-refused', message: `${where} refused every key offered${notes}.` };
  }
  if (err.level === 'client-timeout') {
    return {
      kind: 'unreachable',
      message: `${where}: no SSH handshake within ${options.connectTimeoutMs / 1000}s.`,
    };
  }
  const reason = err.code ? `${err.code}` : err.message;
  return { kind: 'unreachable', message: `${where}: ${reason}.` };
}

/** Opens the SFTP subsystem of a connected session as a read-only file source. */
export function openSftp(
  session: SshSession,
  description: string,
  readTimeoutMs: number,
): Promise<SftpFileSource> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('SFTP subsystem did not start within the read timeout')),
      readTimeoutMs,
    );
    session.client.sftp((err, sftp) => {
      clearTimeout(timer);
      if (err) {
        reject(err);
        return;
      }
      resolve(new SftpFileSource(sftp, description, readTimeoutMs, () => session.client.end()));
    });
  });
}
