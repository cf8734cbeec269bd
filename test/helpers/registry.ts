import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './sshd.js';

/**
 * Real registry peers on 127.0.0.1 for the registry client's tests: Debian's docker-registry
 * (distribution 2.8) over TLS with certificates made here by the openssl CLI, skopeo to push OCI
 * layouts built here and to cross-check presence, and a small HTTPS "fault server" for the answers
 * a healthy registry never gives (5xx, 429, odd TLS). Nothing listens beyond loopback.
 */
export const DOCKER_REGISTRY = '/usr/bin/docker-registry';
export const SKOPEO = '/usr/bin/skopeo';
const run = promisify(execFile);

// ---------------------------------------------------------------- certificates (openssl CLI)

export interface TestCa {
  readonly name: string;
  readonly certFile: string;
  readonly keyFile: string;
  /** A directory with only `ca.crt`, the layout skopeo's --cert-dir reads. */
  readonly certDir: string;
}

export interface LeafCert {
  readonly certFile: string;
  readonly keyFile: string;
}

export function makeCa(dir: string, name: string): TestCa {
  const base = join(dir, name);
  mkdirSync(base, { recursive: true });
  const certFile = join(base, 'ca.crt');
  const keyFile = join(base, 'ca.key');
  openssl([
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    keyFile,
    '-out',
    certFile,
    '-days',
    '3650',
    '-subj',
    `/O=airgap-top tests/CN=${name}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  const certDir = join(base, 'certdir');
  mkdirSync(certDir, { recursive: true });
  execFileSync('cp', [certFile, join(certDir, 'ca.crt')]);
  // openssl ca's bookkeeping, so leaves can get arbitrary (also past) validity dates.
  writeFileSync(join(base, 'index.txt'), '');
  writeFileSync(join(base, 'serial'), `${createHash('sha256').update(name).digest('hex').slice(0, 16)}\n`);
  writeFileSync(
    join(base, 'ca.cnf'),
    [
      '[ca]',
      'default_ca = test',
      '[test]',
      `dir = ${base}`,
      'database = $dir/index.txt',
      'serial = $dir/serial',
      'new_certs_dir = $dir',
      'default_md = sha256',
      'policy = any',
      'unique_subject = no',
      'copy_extensions = copy',
      '[any]',
      'commonName = supplied',
      '',
    ].join('\n'),
  );
  return { name, certFile, keyFile, certDir };
}

/**
 * A server certificate issued by `ca`. `sans` like `IP:127.0.0.1,DNS:registry.test`; `notBefore` /
 * `notAfter` as Dates (past dates make an expired certificate).
 */
export function issueLeaf(
  ca: TestCa,
  file: string,
  opts: { sans: string; notBefore?: Date; notAfter?: Date; cn?: string; usage?: 'serverAuth' | 'clientAuth' },
): LeafCert {
  const keyFile = `${file}.key`;
  const csr = `${file}.csr`;
  const certFile = `${file}.crt`;
  openssl([
    'req',
    '-new',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    keyFile,
    '-out',
    csr,
    '-subj',
    `/CN=${opts.cn ?? 'registry'}`,
    '-addext',
    `subjectAltName=${opts.sans}`,
    '-addext',
    `extendedKeyUsage=${opts.usage ?? 'serverAuth'}`,
  ]);
  const start = opts.notBefore ?? new Date(Date.now() - 86_400_000);
  const end = opts.notAfter ?? new Date(Date.now() + 365 * 86_400_000);
  openssl([
    'ca',
    '-batch',
    '-config',
    join(ca.certFile, '..', 'ca.cnf'),
    '-cert',
    ca.certFile,
    '-keyfile',
    ca.keyFile,
    '-in',
    csr,
    '-out',
    certFile,
    '-startdate',
    asn1Time(start),
    '-enddate',
    asn1Time(end),
    '-notext',
  ]);
  return { certFile, keyFile };
}

function asn1Time(d: Date): string {
  return `${d.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
}

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

// ---------------------------------------------------------------- docker-registry

export interface RegistrySpec {
  readonly name: string;
  readonly leaf: LeafCert;
  /** `user:password` pairs: the registry requires Basic auth (htpasswd) and refuses anonymous pulls. */
  readonly users?: Readonly<Record<string, string>>;
  /** Pull-through cache of this upstream URL; `upstreamCa` is the CA the cache trusts for it. */
  readonly proxy?: { readonly remoteUrl: string; readonly upstreamCa: string };
}

export interface TestRegistry {
  readonly name: string;
  readonly host: '127.0.0.1';
  readonly port: number;
  /** `127.0.0.1:PORT` */
  readonly address: string;
  readonly dir: string;
  stop(): Promise<void>;
}

export async function startRegistry(dir: string, spec: RegistrySpec): Promise<TestRegistry> {
  if (!existsSync(DOCKER_REGISTRY)) throw new Error(`${DOCKER_REGISTRY} missing: run scripts/setup.sh`);
  const base = join(dir, `registry-${spec.name}`);
  mkdirSync(join(base, 'storage'), { recursive: true });
  const port = await freePort();
  const lines = [
    'version: 0.1',
    'log:',
    '  level: error',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${join(base, 'storage')}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    '  tls:',
    `    certificate: ${spec.leaf.certFile}`,
    `    key: ${spec.leaf.keyFile}`,
  ];
  if (spec.users) {
    const file = join(base, 'htpasswd');
    writeFileSync(
      file,
      `${Object.entries(spec.users)
        .map(([u, p]) => `${u}:${bcrypt(p)}`)
        .join('\n')}\n`,
    );
    lines.push('auth:', '  htpasswd:', '    realm: airgap-top-test', `    path: ${file}`);
  }
  if (spec.proxy) lines.push('proxy:', `  remoteurl: ${spec.proxy.remoteUrl}`);
  const config = join(base, 'config.yml');
  writeFileSync(config, `${lines.join('\n')}\n`);
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: base };
  // Go reads SSL_CERT_FILE for its roots: the cache trusts the test upstream's CA and nothing else.
  if (spec.proxy) env.SSL_CERT_FILE = spec.proxy.upstreamCa;
  const child: ChildProcess = spawn(DOCKER_REGISTRY, ['serve', config], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  await waitForListening(port, child, () => stderr);
  return {
    name: spec.name,
    host: '127.0.0.1',
    port,
    address: `127.0.0.1:${port}`,
    dir: base,
    stop: () => stopChild(child),
  };
}

function bcrypt(password: string): string {
  if (existsSync('/usr/bin/htpasswd')) {
    return execFileSync('/usr/bin/htpasswd', ['-nbB', 'u', password]).toString().trim().split(':')[1] ?? '';
  }
  // apache2-utils missing: Python's crypt does bcrypt too ($2b$, accepted by distribution).
  return execFileSync('python3', [
    '-c',
    'import crypt,sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH)))',
    password,
  ])
    .toString()
    .trim();
}

/** Waits until the port accepts a TLS handshake (any certificate): the registry is serving. */
async function waitForListening(port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited: ${stderr()}`);
    const up = await new Promise<boolean>((resolve) => {
      const req = https.get(
        { host: '127.0.0.1', port, path: '/v2/', rejectUnauthorized: false, timeout: 1000 },
        (res) => {
          res.resume();
          resolve(true);
        },
      );
      req.on('error', () => resolve(false));
      req.on('timeout', () => {
        req.destroy();
        resolve(false);
      });
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`docker-registry did not listen on ${port}: ${stderr()}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

// ---------------------------------------------------------------- OCI layouts (node:crypto sha256)

export interface OciImage {
  readonly tag: string;
  /** One platform = a single manifest; several = an image index over one manifest each. */
  readonly arches: readonly string[];
}

export interface BuiltImage {
  readonly tag: string;
  /** Digest of what the tag points at (the manifest, or the index). */
  readonly digest: string;
  readonly mediaType: string;
  /** Per-arch manifest digests (for an index). */
  readonly manifests: readonly string[];
}

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

/** Writes an OCI image layout holding `images` (each tag with its own tiny, unique layer). */
export function buildOciLayout(dir: string, images: readonly OciImage[]): Map<string, BuiltImage> {
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const built = new Map<string, BuiltImage>();
  const refs: object[] = [];
  for (const image of images) {
    const manifests = image.arches.map((arch) => {
      const layer = tarOneFile('hello.txt', `${image.tag} ${arch}\n`);
      const layerDesc = writeBlob(dir, 'application/vnd.oci.image.layer.v1.tar', layer);
      const config = Buffer.from(
        JSON.stringify({
          architecture: arch,
          os: 'linux',
          config: {},
          rootfs: { type: 'layers', diff_ids: [layerDesc.digest] },
        }),
      );
      const configDesc = writeBlob(dir, 'application/vnd.oci.image.config.v1+json', config);
      const manifest = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: OCI_MANIFEST,
          config: configDesc,
          layers: [layerDesc],
        }),
      );
      return { ...writeBlob(dir, OCI_MANIFEST, manifest), platform: { architecture: arch, os: 'linux' } };
    });
    let top: { mediaType: string; digest: string; size: number };
    if (manifests.length === 1 && manifests[0]) {
      const { platform: _platform, ...desc } = manifests[0];
      top = desc;
    } else {
      top = writeBlob(
        dir,
        OCI_INDEX,
        Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests })),
      );
    }
    refs.push({ ...top, annotations: { 'org.opencontainers.image.ref.name': image.tag } });
    built.set(image.tag, {
      tag: image.tag,
      digest: top.digest,
      mediaType: top.mediaType,
      manifests: manifests.map((m) => m.digest),
    });
  }
  writeFileSync(join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: refs }));
  return built;
}

function writeBlob(
  dir: string,
  mediaType: string,
  data: Buffer,
): { mediaType: string; digest: string; size: number } {
  const hex = createHash('sha256').update(data).digest('hex');
  writeFileSync(join(dir, 'blobs', 'sha256', hex), data);
  return { mediaType, digest: `sha256:${hex}`, size: data.length };
}

/** A POSIX ustar archive with one regular file. */
function tarOneFile(name: string, content: string): Buffer {
  const body = Buffer.from(content);
  const header = Buffer.alloc(512);
  header.write(name, 0);
  header.write('0000644\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write(`${body.length.toString(8).padStart(11, '0')}\0`, 124);
  header.write('00000000000\0', 136);
  header.write('        ', 148);
  header.write('0', 156);
  header.write('ustar\0', 257);
  header.write('00', 263);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  const padded = Buffer.alloc(Math.ceil(body.length / 512) * 512);
  body.copy(padded);
  return Buffer.concat([header, padded, Buffer.alloc(1024)]);
}

// ---------------------------------------------------------------- skopeo

export interface SkopeoTarget {
  readonly address: string;
  /** skopeo --cert-dir (holds ca.crt). */
  readonly certDir: string;
  /** `user:password` */
  readonly creds?: string;
}

/** `skopeo copy --all oci:LAYOUT:tag docker://ADDRESS/repo:tag`. */
export async function skopeoPush(
  layout: string,
  tag: string,
  target: SkopeoTarget,
  repository: string,
): Promise<void> {
  await run(
    SKOPEO,
    [
      'copy',
      '--all',
      // Keep the manifests byte for byte (skopeo would otherwise compress the layers and rewrite them),
      // so the digests the layout computed are the registry's.
      '--preserve-digests',
      '--dest-cert-dir',
      target.certDir,
      ...(target.creds ? ['--dest-creds', target.creds] : []),
      `oci:${layout}:${tag}`,
      `docker://${target.address}/${repository}:${tag}`,
    ],
    { env: skopeoEnv() },
  );
}

export interface SkopeoAnswer {
  readonly exists: boolean;
  /** sha256 of the raw manifest skopeo printed. */
  readonly digest?: string;
  readonly stderr: string;
}

/** `skopeo inspect --raw`: exit 0 and the manifest when present, non-zero otherwise. */
export async function skopeoInspectRaw(
  target: SkopeoTarget,
  repository: string,
  reference: string,
): Promise<SkopeoAnswer> {
  const sep = reference.includes(':') ? '@' : ':';
  try {
    const { stdout } = await run(
      SKOPEO,
      [
        'inspect',
        '--raw',
        '--retry-times',
        '0',
        '--cert-dir',
        target.certDir,
        ...(target.creds ? ['--creds', target.creds] : ['--no-creds']),
        `docker://${target.address}/${repository}${sep}${reference}`,
      ],
      { env: skopeoEnv(), encoding: 'buffer' },
    );
    return {
      exists: true,
      digest: `sha256:${createHash('sha256').update(stdout).digest('hex')}`,
      stderr: '',
    };
  } catch (err) {
    return { exists: false, stderr: String((err as { stderr?: Buffer }).stderr ?? err) };
  }
}

function skopeoEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir() };
}

// ---------------------------------------------------------------- fault server

export interface FaultServer {
  readonly port: number;
  readonly address: string;
  /** Requests seen, as `METHOD path`. */
  readonly requests: string[];
  stop(): Promise<void>;
}

export type FaultHandler = (
  req: import('node:http').IncomingMessage,
  res: import('node:http').ServerResponse,
) => void;

/** An HTTPS server on 127.0.0.1 with the given certificate, answering with `handler`. */
export async function startFaultServer(leaf: LeafCert, handler: FaultHandler): Promise<FaultServer> {
  const { readFileSync } = await import('node:fs');
  const requests: string[] = [];
  const server = https.createServer(
    { cert: readFileSync(leaf.certFile), key: readFileSync(leaf.keyFile) },
    (req, res) => {
      requests.push(`${req.method} ${req.url}`);
      handler(req, res);
    },
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    address: `127.0.0.1:${port}`,
    requests,
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
