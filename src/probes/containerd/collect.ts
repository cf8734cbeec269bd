import { X509Certificate } from 'node:crypto';
import { errorMessage } from '../../core/errors.js';
import { buildContainerdView, type HostDirEntry } from '../../model/containerd/node-view.js';
import {
  type ConfigFragment,
  directoryOf,
  type HostsFile,
  matchesGlob,
  mergeFragments,
  parseContainerdConfig,
  parseHostsToml,
  resolveImportPath,
} from '../../model/containerd/parse.js';
import type {
  CertificateRecord,
  ConfigProblem,
  NodeContainerdRecord,
  NodeFailure,
} from '../../model/containerd/types.js';
import { NodeFileError, type NodeFileSource } from './file-source.js';

export const CONTAINERD_CONFIG = '/etc/containerd/config.toml';
/** containerd follows imports of imports; this bounds a cycle or a runaway glob. */
const MAX_IMPORTS = 64;

/** A failure on the main config file ends the node's read (no config to reason about). */
function mainFileFailure(err: NodeFileError, where: string): NodeFailure {
  switch (err.kind) {
    case 'missing':
      return {
        kind: 'file-missing',
        message: where.startsWith('dump:')
          ? `${CONTAINERD_CONFIG} is not in the dump (${where.slice(5)}): the node was not collected, or has no config.`
          : `${CONTAINERD_CONFIG} does not exist on the node.`,
        path: CONTAINERD_CONFIG,
      };
    case 'permission':
      return {
        kind: 'permission-denied',
        message: `cannot read ${CONTAINERD_CONFIG}: permission denied.`,
        path: CONTAINERD_CONFIG,
      };
    case 'timeout':
      return {
        kind: 'timeout',
        message: `reading ${CONTAINERD_CONFIG} did not finish within the read timeout.`,
        path: CONTAINERD_CONFIG,
      };
    case 'outside':
      return { kind: 'permission-denied', message: `${err.message}.`, path: CONTAINERD_CONFIG };
    case 'too-large':
      return { kind: 'too-large', message: `${err.message}.`, path: CONTAINERD_CONFIG };
    default:
      return { kind: 'permission-denied', message: err.message, path: CONTAINERD_CONFIG };
  }
}

/** A timeout means the node stopped answering: it ends the node's read as a whole (CTRD-107). */
function rethrowTimeout(err: unknown): void {
  if (err instanceof NodeFileError && err.kind === 'timeout') throw err;
}

function problemFor(err: unknown, file: string): ConfigProblem {
  rethrowTimeout(err);
  if (err instanceof NodeFileError && err.kind === 'missing')
    return { kind: 'missing-file', file, message: `${file} does not exist` };
  return { kind: 'unreadable-file', file, message: errorMessage(err) };
}

async function expandImport(source: NodeFileSource, path: string): Promise<string[]> {
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (!/[*?]/.test(base)) return [path];
  const dir = directoryOf(path);
  try {
    const entries = await source.readDir(dir);
    return entries
      .filter((e) => !e.isDirectory && matchesGlob(base, e.name))
      .map((e) => `${dir}/${e.name}`)
      .sort();
  } catch (err) {
    rethrowTimeout(err);
    return []; // a glob that matches nothing (or a missing directory) is fine for containerd
  }
}

/** The file's certificates as PEM text (a DER file re-encoded), for verifying TLS as the node does. */
export function certificatesPem(data: Buffer): string {
  const text = data.toString('latin1');
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  return blocks ? `${blocks.join('\n')}\n` : new X509Certificate(data).toString();
}

/** Each PEM certificate of a CA file (a bundle may hold several), or the file as one DER certificate. */
export function readCertificates(data: Buffer): CertificateRecord['certificates'] {
  const text = data.toString('latin1');
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  const sources: (string | Buffer)[] = blocks ?? [data];
  return sources.map((s) => {
    const cert = new X509Certificate(s);
    return {
      subject: cert.subject.replace(/\n/g, ', '),
      issuer: cert.issuer.replace(/\n/g, ', '),
      notBefore: new Date(cert.validFrom).toISOString(),
      notAfter: new Date(cert.validTo).toISOString(),
    };
  });
}

async function readCertificateFile(
  source: NodeFileSource,
  path: string,
  namedBy: string,
): Promise<CertificateRecord> {
  let data: Buffer;
  try {
    data = await source.readFile(path);
  } catch (err) {
    rethrowTimeout(err);
    const kind = err instanceof NodeFileError && err.kind === 'missing' ? 'missing' : 'unreadable';
    return {
      path,
      namedBy,
      status: kind,
      message: errorMessage(err),
      certificates: [],
    };
  }
  try {
    return { path, namedBy, status: 'ok', certificates: readCertificates(data), pem: certificatesPem(data) };
  } catch (err) {
    return {
      path,
      namedBy,
      status: 'invalid',
      message: `not a PEM or DER certificate (${errorMessage(err)})`,
      certificates: [],
    };
  }
}

async function readHostDirs(
  source: NodeFileSource,
  configPath: string,
  problems: ConfigProblem[],
): Promise<HostDirEntry[]> {
  const found = new Map<string, HostDirEntry>();
  for (const root of configPath.split(':').filter(Boolean)) {
    let entries: { name: string; isDirectory: boolean }[];
    try {
      entries = await source.readDir(root);
    } catch (err) {
      rethrowTimeout(err);
      continue; // containerd treats a missing config_path dir as "no host config"
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (found.has(entry.name)) continue; // the first root that has the host wins
      const dir = `${root.replace(/\/+$/, '')}/${entry.name}`;
      let files: { name: string; isDirectory: boolean }[];
      try {
        files = await source.readDir(dir);
      } catch (err) {
        rethrowTimeout(err);
        continue; // a plain file (or a dangling link) in certs.d is not a host directory
      }
      let hostsFile: HostsFile | undefined;
      if (files.some((f) => f.name === 'hosts.toml')) {
        const file = `${dir}/hosts.toml`;
        try {
          const text = (await source.readFile(file)).toString('utf8');
          const parsed = parseHostsToml(text, file, entry.name);
          if (parsed.ok) hostsFile = parsed.value;
          else problems.push(parsed.problem);
        } catch (err) {
          problems.push(problemFor(err, file));
        }
        if (!hostsFile) continue; // containerd fails this host's resolution; the problem says why
      }
      found.set(entry.name, {
        dirName: entry.name,
        hostsFile,
        certFiles: hostsFile
          ? []
          : files.filter((f) => f.name.endsWith('.crt')).map((f) => `${dir}/${f.name}`),
        clientCertificate: !hostsFile && files.some((f) => f.name.endsWith('.cert')),
      });
    }
  }
  return [...found.values()];
}

/**
 * Reads what containerd reads on one node, as containerd does: config.toml, its imports (recursively,
 * globs expanded), the host directories under config_path, and every CA file named.
 */
export async function collectNode(
  source: NodeFileSource,
  node: string,
  target: string,
): Promise<NodeContainerdRecord> {
  let mainText: string;
  try {
    mainText = (await source.readFile(CONTAINERD_CONFIG)).toString('utf8');
  } catch (err) {
    const failure =
      err instanceof NodeFileError
        ? mainFileFailure(err, source.description)
        : { kind: 'permission-denied' as const, message: String(err), path: CONTAINERD_CONFIG };
    return { node, target, failure, problems: [], certificates: [] };
  }
  const main = parseContainerdConfig(mainText, CONTAINERD_CONFIG);
  if (!main.ok) return { node, target, problems: [main.problem], certificates: [] };
  try {
    return await collectRest(source, node, target, main.value);
  } catch (err) {
    if (!(err instanceof NodeFileError && err.kind === 'timeout')) throw err;
    return {
      node,
      target,
      failure: {
        kind: 'timeout',
        message: `${err.message} (after ${CONTAINERD_CONFIG} was read).`,
        path: err.path,
      },
      problems: [],
      certificates: [],
    };
  }
}

async function collectRest(
  source: NodeFileSource,
  node: string,
  target: string,
  mainFragment: ConfigFragment,
): Promise<NodeContainerdRecord> {
  const problems: ConfigProblem[] = [];
  const main = { value: mainFragment };

  const fragments: ConfigFragment[] = [main.value];
  const seen = new Set([CONTAINERD_CONFIG]);
  const queue: { parent: string; path: string }[] = main.value.imports.map((p) => ({
    parent: CONTAINERD_CONFIG,
    path: p,
  }));
  while (queue.length > 0 && seen.size < MAX_IMPORTS) {
    const next = queue.shift();
    if (!next) break;
    const absolute = resolveImportPath(next.parent, next.path);
    for (const file of await expandImport(source, absolute)) {
      if (seen.has(file)) continue;
      seen.add(file);
      let text: string;
      try {
        text = (await source.readFile(file)).toString('utf8');
      } catch (err) {
        problems.push(problemFor(err, file));
        continue;
      }
      const parsed = parseContainerdConfig(text, file, main.value.version);
      if (!parsed.ok) {
        problems.push(parsed.problem);
        continue;
      }
      fragments.push(parsed.value);
      for (const p of parsed.value.imports) queue.push({ parent: file, path: p });
    }
  }
  const merged = mergeFragments(fragments);
  problems.push(...merged.problems);
  const hostDirs = merged.configPath ? await readHostDirs(source, merged.configPath, problems) : [];
  const view = buildContainerdView(merged, hostDirs);

  const caFiles = new Map<string, string>();
  for (const r of view.registries) {
    for (const e of r.endpoints)
      for (const ca of e.caFiles) if (!caFiles.has(ca)) caFiles.set(ca, `${r.file ?? r.host} (${r.host})`);
  }
  // In config_path mode the legacy tls tables are not in the registry view, but their CA still matters.
  for (const [host, tls] of Object.entries(merged.tls)) {
    if (tls.caFile && !caFiles.has(tls.caFile))
      caFiles.set(tls.caFile, `registry.configs."${host}".tls.ca_file`);
  }
  const certificates: CertificateRecord[] = [];
  for (const [path, namedBy] of caFiles) certificates.push(await readCertificateFile(source, path, namedBy));
  return { node, target, view, problems, certificates };
}
