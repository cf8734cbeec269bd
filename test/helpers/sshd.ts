import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, Socket } from 'node:net';
import { userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { DEFAULT_SSH, type SshConfig } from '../../src/model/config.js';
import type { NodeTarget } from '../../src/probes/containerd/index.js';

/**
 * A real OpenSSH sshd (Debian openssh-server) on 127.0.0.1 standing in for several nodes: one listen
 * port per node, and a `Match LocalPort` block per node that chroots the SFTP-only session into that
 * node's file tree (`ForceCommand internal-sftp`). Runs as root (chroot needs it); the suite skips
 * when that is not possible.
 */
export interface SshdNodeSpec {
  readonly name: string;
  /** A node root (copied): `<tree>/etc/containerd/config.toml` ... */
  readonly tree: string;
  /** This node's authorized key is a different key: the client's key is refused. */
  readonly refuseKey?: boolean;
  /** SFTP requests this node denies (internal-sftp -P), e.g. `open` = permission denied on every read. */
  readonly denyRequests?: string;
}

export interface TestSshd {
  readonly host: '127.0.0.1';
  readonly user: string;
  readonly ports: Readonly<Record<string, number>>;
  /** The client's private key (accepted by every node but those with refuseKey). */
  readonly clientKey: string;
  /** `ssh-ed25519 AAAA...` of the server's host key. */
  readonly hostKeyLine: string;
  /** Another ed25519 public key, for "wrong host key" known_hosts. */
  readonly otherKeyLine: string;
  /** The node's chroot (to change files between sweeps). */
  root(node: string): string;
  /** known_hosts lines for the given nodes: `[127.0.0.1]:port key`. */
  knownHosts(nodes: readonly string[], keyLine?: string): string;
  /** A port on 127.0.0.1 where nothing listens. */
  readonly deadPort: number;
  readonly dir: string;
  /** What sshd logged so far (LogLevel VERBOSE: connections, accepted keys). */
  log(): string;
  /** True when sshd accepted a login on a connection to the node's port. */
  loggedIn(node: string): boolean;
  stop(): Promise<void>;
}

export const SSHD = '/usr/sbin/sshd';

/** sshd can run here: installed, and we are root (ChrootDirectory). */
export function sshdAvailable(): boolean {
  return existsSync(SSHD) && typeof process.getuid === 'function' && process.getuid() === 0;
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

function keygen(path: string): string {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'airgap-top-test', '-f', path]);
  const [type, key] = readFileSync(`${path}.pub`, 'utf8').trim().split(/\s+/);
  return `${type} ${key}`;
}

function waitForPort(
  port: number,
  child: ChildProcess,
  stderr: () => string,
  timeoutMs = 10_000,
): Promise<void> {
  const started = Date.now();
  return new Promise((resolveWait, reject) => {
    const attempt = () => {
      if (child.exitCode !== null) {
        reject(new Error(`sshd exited with ${child.exitCode}: ${stderr()}`));
        return;
      }
      const socket = new Socket();
      socket.once('connect', () => {
        socket.destroy();
        resolveWait();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() - started > timeoutMs)
          reject(new Error(`sshd did not listen on ${port}: ${stderr()}`));
        else setTimeout(attempt, 50);
      });
      socket.connect(port, '127.0.0.1');
    };
    attempt();
  });
}

/**
 * Why a folder cannot hold sshd chroots, or undefined when it can: sshd refuses a ChrootDirectory
 * any of whose components (the folder and every ancestor) is not owned by root or is writable by
 * group or others, e.g. anything under a world-writable /tmp.
 */
export function chrootUnsafeReason(path: string): string | undefined {
  let current = resolve(path);
  for (;;) {
    const st = statSync(current);
    if (st.uid !== 0) return `${current} is owned by uid ${st.uid}, not root`;
    if ((st.mode & 0o022) !== 0)
      return `${current} is writable by group or others (mode ${(st.mode & 0o777).toString(8)})`;
    const parent = dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

/**
 * A folder for the nodes' chroots that sshd accepts wherever the clone sits: the repository's
 * .cache when its ancestors allow it, else a root-owned folder under /var/lib or /run.
 */
export function chrootBase(
  candidates: readonly string[] = [
    resolve(import.meta.dirname, '../../.cache'),
    '/var/lib/airgap-top-tests',
    '/run/airgap-top-tests',
  ],
): string {
  const refused: string[] = [];
  for (const candidate of candidates) {
    const parentReason = chrootUnsafeReason(existingAncestor(candidate));
    if (parentReason) {
      refused.push(`${candidate}: ${parentReason}`);
      continue;
    }
    mkdirSync(candidate, { recursive: true, mode: 0o755 });
    chmodSync(candidate, 0o755);
    const reason = chrootUnsafeReason(candidate);
    if (!reason) return candidate;
    refused.push(`${candidate}: ${reason}`);
  }
  throw new Error(
    `no folder can hold sshd chroots (each component must be root-owned and not group/world-writable):\n${refused.join('\n')}`,
  );
}

function existingAncestor(path: string): string {
  let current = resolve(path);
  while (!existsSync(current)) current = dirname(current);
  return current;
}

/** Starts one sshd serving every node; call stop() in afterAll. */
export async function startSshd(nodes: readonly SshdNodeSpec[]): Promise<TestSshd> {
  const base = chrootBase();
  const dir = mkdtempSync(join(base, 'sshd-'));
  chmodSync(dir, 0o755);
  if (!existsSync('/run/sshd')) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });

  const hostKeyLine = keygen(join(dir, 'host_key'));
  const otherKeyLine = keygen(join(dir, 'other_host_key'));
  const clientPub = keygen(join(dir, 'client_key'));
  const strangerPub = keygen(join(dir, 'stranger_key'));
  writeFileSync(join(dir, 'authorized_keys'), `${clientPub}\n`, { mode: 0o600 });
  writeFileSync(join(dir, 'stranger_authorized_keys'), `${strangerPub}\n`, { mode: 0o600 });

  const ports: Record<string, number> = {};
  const roots: Record<string, string> = {};
  for (const node of nodes) {
    ports[node.name] = await freePort();
    const root = join(dir, 'nodes', node.name);
    mkdirSync(root, { recursive: true, mode: 0o755 });
    cpSync(node.tree, root, { recursive: true });
    chmodSync(join(dir, 'nodes'), 0o755);
    chmodSync(root, 0o755);
    roots[node.name] = root;
  }
  const deadPort = await freePort();
  const user = userInfo().username;
  const lines = [
    `HostKey ${join(dir, 'host_key')}`,
    ...nodes.map((n) => `ListenAddress 127.0.0.1:${ports[n.name]}`),
    `PidFile ${join(dir, 'sshd.pid')}`,
    'PermitRootLogin prohibit-password',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'StrictModes no',
    'AllowTcpForwarding yes',
    'X11Forwarding no',
    'LogLevel VERBOSE',
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'Subsystem sftp internal-sftp',
    ...nodes.flatMap((n) => [
      `Match LocalPort ${ports[n.name]}`,
      `  ChrootDirectory ${roots[n.name]}`,
      `  ForceCommand internal-sftp${n.denyRequests ? ` -P ${n.denyRequests}` : ''}`,
      ...(n.refuseKey ? [`  AuthorizedKeysFile ${join(dir, 'stranger_authorized_keys')}`] : []),
    ]),
  ];
  const configPath = join(dir, 'sshd_config');
  writeFileSync(configPath, `${lines.join('\n')}\n`);
  let stderr = '';
  const child = spawn(SSHD, ['-D', '-e', '-f', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
    if (stderr.length > 100_000) stderr = stderr.slice(-50_000);
  });
  const firstNode = nodes[0];
  if (firstNode) await waitForPort(ports[firstNode.name] ?? 0, child, () => stderr);

  return {
    host: '127.0.0.1',
    user,
    ports,
    clientKey: join(dir, 'client_key'),
    hostKeyLine,
    otherKeyLine,
    deadPort,
    dir,
    root: (node) => roots[node] ?? '',
    log: () => stderr,
    loggedIn(node) {
      // "Connection from 127.0.0.1 port C on 127.0.0.1 port P", then "Accepted publickey ... port C".
      const clientPorts = [
        ...stderr.matchAll(
          new RegExp(`from 127\\.0\\.0\\.1 port (\\d+) on 127\\.0\\.0\\.1 port ${ports[node]}\\b`, 'g'),
        ),
      ].map((m) => m[1]);
      return clientPorts.some((c) =>
        new RegExp(`Accepted \\S+ for \\S+ from 127\\.0\\.0\\.1 port ${c}\\b`).test(stderr),
      );
    },
    knownHosts: (names, keyLine = hostKeyLine) =>
      names.map((n) => `[127.0.0.1]:${ports[n]} ${keyLine}\n`).join(''),
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise<void>((r) => child.once('exit', () => r()));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Where and how a test reaches its sshd nodes: known_hosts written to DIR/FILE, nodes on 127.0.0.1. */
export interface TestSshOptions {
  readonly dir: string;
  readonly file: string;
  readonly knownHostsText: string;
  /** Node names served by this sshd (their ports come from it). */
  readonly nodes: readonly string[];
  /** More nodes by address, e.g. one whose port nothing listens on. */
  readonly extraNodes?: Readonly<Record<string, { address: string; port: number }>>;
  readonly readTimeoutSeconds: number;
}

/** The [ssh] config of a test: this sshd's user and key, the given known_hosts, every node on loopback. */
export function testSshConfig(sshd: TestSshd, o: TestSshOptions, extra: Partial<SshConfig> = {}): SshConfig {
  const knownHosts = join(o.dir, o.file);
  writeFileSync(knownHosts, o.knownHostsText);
  const nodes: Record<string, { address: string; port: number }> = {};
  for (const n of o.nodes) nodes[n] = { address: '127.0.0.1', port: sshd.ports[n] ?? 0 };
  Object.assign(nodes, o.extraNodes);
  return {
    ...DEFAULT_SSH,
    user: sshd.user,
    identityFile: sshd.clientKey,
    knownHosts,
    concurrency: 4,
    connectTimeoutSeconds: 5,
    readTimeoutSeconds: o.readTimeoutSeconds,
    nodes,
    ...extra,
  };
}

/** The sweep targets of `names` under `ssh`, as the probe builds them from the config. */
export function sweepTargets(ssh: SshConfig, names: readonly string[]): NodeTarget[] {
  return names.map((node) => ({ node, host: '127.0.0.1', port: ssh.nodes[node]?.port ?? 0, user: ssh.user }));
}
