import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import type { SshConfig } from '../model/config.js';
import { DEFAULT_SSH } from '../model/config.js';

/**
 * Simulated SSH nodes for the demo and the bench: one in-process ssh2 server on 127.0.0.1 (port 0)
 * whose SFTP subsystem serves an in-memory file tree per node. The SSH user names the node, so one
 * server stands in for any number of nodes. Read-only: no shell, no exec, writes refused.
 */
const { Server, utils } = ssh2;
const { STATUS_CODE, OPEN_MODE } = utils.sftp;

/** A node's files: absolute path -> content. Directories are implied by the paths. */
export type NodeTree = Readonly<Record<string, string | Buffer>>;

export interface SimulatedSshNodes {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** Node names served (each is also its SSH user). */
  readonly nodes: readonly string[];
  /** `[127.0.0.1]:port ssh-ed25519 AAAA...` */
  readonly knownHostsLine: string;
  /** OpenSSH private key the server accepts. */
  readonly clientPrivateKey: string;
  /** SFTP requests served (the bench counts them). */
  readonly stats: { sessions: number; requests: number };
  close(): Promise<void>;
}

export interface SshNodesOptions {
  readonly trees: Readonly<Record<string, NodeTree>>;
  /** Added to every SFTP answer (bench: a WAN round trip). */
  readonly latencyMs?: number;
}

interface TreeIndex {
  readonly files: Map<string, Buffer>;
  readonly dirs: Map<string, Set<string>>;
}

function indexTree(tree: NodeTree): TreeIndex {
  const files = new Map<string, Buffer>();
  const dirs = new Map<string, Set<string>>([['/', new Set()]]);
  for (const [path, content] of Object.entries(tree)) {
    files.set(path, Buffer.isBuffer(content) ? content : Buffer.from(content));
    const parts = path.split('/').filter(Boolean);
    for (let i = 0; i < parts.length; i++) {
      const dir = `/${parts.slice(0, i).join('/')}`;
      const children = dirs.get(dir) ?? new Set<string>();
      children.add(parts[i] ?? '');
      dirs.set(dir, children);
      if (i < parts.length - 1) {
        const sub = `/${parts.slice(0, i + 1).join('/')}`;
        if (!dirs.has(sub)) dirs.set(sub, new Set());
      }
    }
  }
  return { files, dirs };
}

function normalize(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return `/${out.join('/')}`;
}

const NOW = Math.floor(Date.now() / 1000);
function fileAttrs(size: number) {
  return { mode: 0o100644, uid: 0, gid: 0, size, atime: NOW, mtime: NOW };
}
function dirAttrs() {
  return { mode: 0o040755, uid: 0, gid: 0, size: 4096, atime: NOW, mtime: NOW };
}

/**
 * An ed25519 key pair from ssh2 that ssh2 (and OpenSSH) can read back. ssh2 1.x drops the leading
 * zero byte of a public key that starts with 0x00 (1 key in 256), which leaves a 31-byte key that
 * every parser rejects as "Malformed OpenSSH private key"; such a pair is drawn again.
 */
export function generateEd25519KeyPair(): { private: string; public: string } {
  for (let attempt = 0; attempt < 32; attempt++) {
    const pair = utils.generateKeyPairSync('ed25519');
    if (!(utils.parseKey(pair.private) instanceof Error) && !(utils.parseKey(pair.public) instanceof Error))
      return pair;
  }
  throw new Error('could not generate a readable ed25519 key pair in 32 attempts');
}

/** Starts the server; `close()` ends it and every session. */
export async function startSshNodes(options: SshNodesOptions): Promise<SimulatedSshNodes> {
  const hostKeys = generateEd25519KeyPair();
  const clientKeys = generateEd25519KeyPair();
  const allowed = utils.parseKey(clientKeys.public);
  if (allowed instanceof Error) throw allowed;
  const allowedKey = Array.isArray(allowed) ? allowed[0] : allowed;
  if (!allowedKey) throw new Error('client key did not parse');
  const indexes = new Map(Object.entries(options.trees).map(([node, tree]) => [node, indexTree(tree)]));
  const latency = options.latencyMs ?? 0;
  const stats = { sessions: 0, requests: 0 };
  const clients = new Set<{ end(): void }>();

  const server = new Server({ hostKeys: [hostKeys.private] }, (client) => {
    clients.add(client);
    let tree: TreeIndex | undefined;
    client.on('authentication', (ctx) => {
      const index = indexes.get(ctx.username);
      if (!index || ctx.method !== 'publickey') {
        ctx.reject(['publickey']);
        return;
      }
      const sameKey = ctx.key.algo === allowedKey.type && ctx.key.data.equals(allowedKey.getPublicSSH());
      if (!sameKey) {
        ctx.reject(['publickey']);
        return;
      }
      if (ctx.signature && ctx.blob && allowedKey.verify(ctx.blob, ctx.signature, ctx.hashAlgo) !== true) {
        ctx.reject(['publickey']);
        return;
      }
      tree = index;
      ctx.accept();
    });
    client.on('ready', () => {
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        session.on('exec', (_accept, reject) => reject());
        session.on('shell', (_accept, reject) => reject());
        session.on('sftp', (acceptSftp) => {
          stats.sessions += 1;
          const sftp = acceptSftp();
          const handles = new Map<number, { path: string; dir: boolean; listed: boolean }>();
          let nextHandle = 1;
          const later = (fn: () => void) => {
            stats.requests += 1;
            if (latency > 0) setTimeout(fn, latency);
            else fn();
          };
          const handleBuffer = (id: number) => {
            const b = Buffer.alloc(4);
            b.writeUInt32BE(id, 0);
            return b;
          };
          const index = tree ?? indexTree({});
          sftp.on('OPEN', (reqid, filename, flags) => {
            later(() => {
              const path = normalize(filename);
              if (flags & (OPEN_MODE.WRITE | OPEN_MODE.APPEND | OPEN_MODE.CREAT | OPEN_MODE.TRUNC)) {
                sftp.status(reqid, STATUS_CODE.PERMISSION_DENIED);
                return;
              }
              if (!index.files.has(path)) {
                sftp.status(reqid, STATUS_CODE.NO_SUCH_FILE);
                return;
              }
              const id = nextHandle++;
              handles.set(id, { path, dir: false, listed: false });
              sftp.handle(reqid, handleBuffer(id));
            });
          });
          sftp.on('READ', (reqid, handle, offset, length) => {
            later(() => {
              const h = handles.get(handle.readUInt32BE(0));
              const data = h ? index.files.get(h.path) : undefined;
              if (!data) {
                sftp.status(reqid, STATUS_CODE.FAILURE);
                return;
              }
              if (offset >= data.length) {
                sftp.status(reqid, STATUS_CODE.EOF);
                return;
              }
              sftp.data(reqid, data.subarray(offset, Math.min(data.length, offset + length)));
            });
          });
          const statPath = (reqid: number, raw: string) => {
            later(() => {
              const path = normalize(raw);
              const file = index.files.get(path);
              if (file) sftp.attrs(reqid, fileAttrs(file.length));
              else if (index.dirs.has(path)) sftp.attrs(reqid, dirAttrs());
              else sftp.status(reqid, STATUS_CODE.NO_SUCH_FILE);
            });
          };
          sftp.on('STAT', statPath);
          sftp.on('LSTAT', statPath);
          sftp.on('FSTAT', (reqid, handle) => {
            const h = handles.get(handle.readUInt32BE(0));
            if (!h) {
              later(() => sftp.status(reqid, STATUS_CODE.FAILURE));
              return;
            }
            statPath(reqid, h.path);
          });
          sftp.on('OPENDIR', (reqid, raw) => {
            later(() => {
              const path = normalize(raw);
              if (!index.dirs.has(path)) {
                sftp.status(reqid, index.files.has(path) ? STATUS_CODE.FAILURE : STATUS_CODE.NO_SUCH_FILE);
                return;
              }
              const id = nextHandle++;
              handles.set(id, { path, dir: true, listed: false });
              sftp.handle(reqid, handleBuffer(id));
            });
          });
          sftp.on('READDIR', (reqid, handle) => {
            later(() => {
              const h = handles.get(handle.readUInt32BE(0));
              if (!h?.dir) {
                sftp.status(reqid, STATUS_CODE.FAILURE);
                return;
              }
              if (h.listed) {
                sftp.status(reqid, STATUS_CODE.EOF);
                return;
              }
              h.listed = true;
              const names = [...(index.dirs.get(h.path) ?? [])].sort().map((name) => {
                const child = h.path === '/' ? `/${name}` : `${h.path}/${name}`;
                const file = index.files.get(child);
                const attrs = file ? fileAttrs(file.length) : dirAttrs();
                return {
                  filename: name,
                  longname: `${file ? '-rw-r--r--' : 'drwxr-xr-x'} 1 root root ${attrs.size} ${name}`,
                  attrs,
                };
              });
              sftp.name(reqid, names);
            });
          });
          sftp.on('CLOSE', (reqid, handle) => {
            later(() => {
              handles.delete(handle.readUInt32BE(0));
              sftp.status(reqid, STATUS_CODE.OK);
            });
          });
          sftp.on('REALPATH', (reqid, raw) => {
            later(() => sftp.name(reqid, [{ filename: normalize(raw), longname: '', attrs: dirAttrs() }]));
          });
          for (const op of [
            'WRITE',
            'REMOVE',
            'RENAME',
            'MKDIR',
            'RMDIR',
            'SETSTAT',
            'FSETSTAT',
            'SYMLINK',
          ] as const) {
            sftp.on(op, (reqid: number) => later(() => sftp.status(reqid, STATUS_CODE.PERMISSION_DENIED)));
          }
        });
      });
    });
    client.on('error', () => {});
    client.on('close', () => clients.delete(client));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const hostParsed = utils.parseKey(hostKeys.public);
  const hostKey = Array.isArray(hostParsed) ? hostParsed[0] : hostParsed;
  if (!hostKey || hostKey instanceof Error) throw new Error('host key did not parse');
  return {
    host: '127.0.0.1',
    port,
    nodes: [...indexes.keys()],
    knownHostsLine: `[127.0.0.1]:${port} ${hostKey.type} ${hostKey.getPublicSSH().toString('base64')}`,
    clientPrivateKey: clientKeys.private,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of clients) c.end();
        server.close(() => resolve());
      }),
  };
}

/** Writes the client key and known_hosts to a private temp dir and returns the [ssh] config for it. */
export function sshConfigFor(
  nodes: SimulatedSshNodes,
  extra: Partial<SshConfig> = {},
): { ssh: SshConfig; dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'airgap-top-ssh-'));
  chmodSync(dir, 0o700);
  const identityFile = join(dir, 'id_ed25519');
  writeFileSync(identityFile, nodes.clientPrivateKey, { mode: 0o600 });
  const knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, `${nodes.knownHostsLine}\n`, { mode: 0o600 });
  const overrides: Record<string, { address: string; port: number; user: string }> = {};
  for (const node of nodes.nodes) overrides[node] = { address: nodes.host, port: nodes.port, user: node };
  return {
    ssh: {
      ...DEFAULT_SSH,
      identityFile,
      knownHosts,
      connectTimeoutSeconds: 5,
      readTimeoutSeconds: 10,
      nodes: overrides,
      ...extra,
    },
    dir,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * The demo registry's CA: fixtures/demo/registry/ca.crt (valid to 2124; its key was discarded), the CA
 * the embedded registry's certificate chains to (src/demo/registry.ts). Inlined because the node
 * trees are built without the demo's files at hand; test/demo/registry.test.ts keeps it equal to the file.
 */
export const DEMO_CA = `-----BEGIN CERTIFICATE-----
MIIBxTCCAWygAwIBAgIUDIyqMXZIajNPZFPg3dtQX++W8ewwCgYIKoZIzj0EAwIw
QDEYMBYGA1UECgwPYWlyZ2FwLXRvcCBkZW1vMSQwIgYDVQQDDBthaXJnYXAtdG9w
IGRlbW8gcmVnaXN0cnkgQ0EwIBcNMjQwMTAxMDAwMDAwWhgPMjEyNDAxMDEwMDAw
MDBaMEAxGDAWBgNVBAoMD2FpcmdhcC10b3AgZGVtbzEkMCIGA1UEAwwbYWlyZ2Fw
LXRvcCBkZW1vIHJlZ2lzdHJ5IENBMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE
EPSGCuLqTM0xRFfPvgKbKmzf54iLKKNSztM0UJ24pGA6mHa/mYZUa0FlRtFqBu3H
0CZLAJNNFvBKfOWPqrq7haNCMEAwDwYDVR0TAQH/BAUwAwEB/zAOBgNVHQ8BAf8E
BAMCAQYwHQYDVR0OBBYEFJPk6FXhJOCvO3Jv3xsJd3wfdq3qMAoGCCqGSM49BAMC
A0cAMEQCIB2QkR8VwcR94q+G6gIOWonJ0rbG39VU5DCVtGVKm4D4AiBd4hNhcAIZ
AtauzTjH9TkYjLL3kZ13VO9mSN4hNxO5jA==
-----END CERTIFICATE-----
`;

/**
 * The demo cluster's node trees: image-builder's v2 config with config_path, a hosts.toml for the
 * private registry and a quay.io mirror into it; `driftNode` keeps containerd's public pause image
 * and has no quay.io mirror (the kind of node a hand edit or an old template leaves behind).
 */
export function demoNodeTrees(
  nodes: readonly string[],
  registry: string,
  driftNode?: string,
  caPem = DEMO_CA,
): Record<string, NodeTree> {
  const trees: Record<string, NodeTree> = {};
  for (const node of nodes) {
    const drift = node === driftNode;
    const sandbox = drift ? 'registry.k8s.io/pause:3.10' : `${registry}/tkg/pause:3.10`;
    const tree: Record<string, string> = {
      '/etc/containerd/config.toml': [
        'version = 2',
        '',
        'imports = ["/etc/containerd/conf.d/*.toml"]',
        '',
        '[plugins]',
        '  [plugins."io.containerd.grpc.v1.cri"]',
        `    sandbox_image = "${sandbox}"`,
        '  [plugins."io.containerd.grpc.v1.cri".registry]',
        '    config_path = "/etc/containerd/certs.d"',
        '  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]',
        '    runtime_type = "io.containerd.runc.v2"',
        '  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]',
        '    SystemdCgroup = true',
        '',
      ].join('\n'),
      [`/etc/containerd/certs.d/${registry}/hosts.toml`]: [
        `server = "https://${registry}"`,
        // The root table is containerd's last host (the server): it needs the CA as well, or a miss
        // at the [host] entry ends in an x509 error at the server (hosts.go appends it last).
        'ca = "ca.crt"',
        '',
        `[host."https://${registry}"]`,
        '  capabilities = ["pull", "resolve"]',
        '  ca = "ca.crt"',
        '',
      ].join('\n'),
      [`/etc/containerd/certs.d/${registry}/ca.crt`]: caPem,
    };
    if (!drift) {
      tree['/etc/containerd/certs.d/quay.io/hosts.toml'] = [
        'server = "https://quay.io"',
        '',
        `[host."https://${registry}/v2/quay-mirror"]`,
        '  capabilities = ["pull", "resolve"]',
        '  override_path = true',
        `  ca = "/etc/containerd/certs.d/${registry}/ca.crt"`,
        '',
      ].join('\n');
    }
    trees[node] = tree;
  }
  return trees;
}

/** The node that drifts in `airgap-top demo`: public pause image, no quay.io mirror. */
export const DEMO_DRIFT_NODE = 'workload-east-md-b-6b8d4-9vz3c';

/** Minimal view of the demo context (src/cli/demo-command.ts DemoContext) this extension needs. */
interface DemoSetupContext {
  readonly sim: {
    list(
      apiVersion: string,
      kind: string,
    ): { metadata?: { name?: string; labels?: Record<string, string> } }[];
  };
  readonly config: import('../model/config.js').Config;
}

/**
 * The demo's SSH nodes: every Linux node of the simulated cluster served by one in-process server,
 * and the [ssh] config pointing each node at it (with a known_hosts that holds the server's key).
 */
export const containerdDemoExtension = {
  name: 'containerd SSH nodes',
  async setup(ctx: DemoSetupContext) {
    const names = ctx.sim
      .list('v1', 'Node')
      .filter((n) => n.metadata?.labels?.['kubernetes.io/os'] !== 'windows')
      .map((n) => n.metadata?.name)
      .filter((n): n is string => Boolean(n));
    const registry = ctx.config.registry.private[0]?.split('/')[0] ?? 'registry.example.internal';
    const server = await startSshNodes({ trees: demoNodeTrees(names, registry, DEMO_DRIFT_NODE) });
    const { ssh, cleanup } = sshConfigFor(server, { concurrency: 8 });
    return {
      config: { ...ctx.config, ssh },
      async close() {
        cleanup();
        await server.close();
      },
    };
  },
};
