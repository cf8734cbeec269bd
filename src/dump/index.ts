import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { errorMessage, UserFacingError } from '../core/errors.js';
import { parseDocuments, scenarioFromDocuments } from '../sim/scenario.js';
import { startSimulator } from '../sim/server/index.js';

/**
 * A support bundle (what `airgap-top dump` writes, src/dump/collect.ts):
 *
 *   DIR/kube/*.yaml|json          `kubectl get RESOURCE -A -o yaml` output (kind: List), CRDs included
 *                                 (without DIR/kube/, every *.yaml|json under DIR except nodes/, vsphere/)
 *   DIR/nodes/<node>/etc/containerd/...   each node's containerd config, read by the containerd probe
 *   DIR/vsphere/inventory.json    optional govc inventory, read by the vSphere probe
 *   DIR/cluster.json              optional {"context", "server", "collectedAt"} of the source cluster
 *
 * The bundle is served by the Kubernetes API simulator on 127.0.0.1 and the normal probes run on it:
 * offline analysis has no evaluation path of its own.
 */
export interface DumpInfo {
  readonly dir: string;
  readonly files: readonly string[];
  readonly objects: number;
  readonly context: string | null;
  readonly server: string | null;
  readonly collectedAt: string | null;
}

export interface OpenDump extends DumpInfo {
  /** A kubeconfig for the simulator serving the bundle's objects. */
  readonly kubeconfigPath: string;
  close(): Promise<void>;
}

const EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
/** Not Kubernetes objects: node files and the vSphere inventory have their own readers. */
const NOT_KUBE = new Set(['nodes', 'vsphere', 'cluster.json']);

/**
 * A bundle comes from elsewhere: a link inside it is followed only to a file inside it. A link out of
 * the bundle (to /etc/shadow, /dev/zero) or a link loop is one clear line, never a read.
 */
function checkLinkInside(dir: string, full: string): void {
  let target: string;
  try {
    target = realpathSync(full);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ELOOP' ? 'is a symbolic link loop' : 'is a dangling symbolic link';
    throw new UserFacingError(`--from-dump: ${relative(dir, full)} ${why}`);
  }
  const root = realpathSync(dir);
  if (target !== root && !target.startsWith(root + sep)) {
    throw new UserFacingError(
      `--from-dump: ${relative(dir, full)} is a symbolic link out of the dump (to ${target}); not read`,
    );
  }
}

/** The Kubernetes object files of a bundle, sorted. Throws a UserFacingError when there are none. */
export function dumpObjectFiles(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new UserFacingError(`--from-dump ${dir} is not a folder`);
  const kube = join(dir, 'kube');
  const root = existsSync(kube) && lstatSync(kube).isDirectory() ? kube : dir;
  const out: string[] = [];
  const walk = (folder: string) => {
    for (const name of readdirSync(folder).sort()) {
      const full = join(folder, name);
      if (folder === dir && NOT_KUBE.has(name)) continue;
      if (name.startsWith('.')) continue;
      const entry = lstatSync(full);
      // Linked folders are not walked (no loops); a linked file is read only if it stays inside.
      if (entry.isDirectory()) walk(full);
      else if (EXTENSIONS.has(extname(name).toLowerCase())) {
        if (entry.isSymbolicLink()) checkLinkInside(dir, full);
        if (!statSync(full).isFile())
          throw new UserFacingError(`--from-dump: ${relative(dir, full)} is not a regular file`);
        out.push(full);
      }
    }
  };
  walk(root);
  // Definitions before instances, so the simulator knows a custom type before its first object.
  out.sort(
    (a, b) => Number(!/customresourcedefinition/i.test(a)) - Number(!/customresourcedefinition/i.test(b)),
  );
  if (out.length === 0) {
    throw new UserFacingError(
      `--from-dump ${dir}: no Kubernetes objects (*.yaml or *.json from kubectl get -o yaml) under ${root}`,
    );
  }
  return out;
}

/** Parses every object file of the bundle (Lists flattened). One clear line names a bad file. */
export function loadDumpObjects(dir: string): { files: string[]; documents: unknown[] } {
  const files = dumpObjectFiles(dir);
  const documents: unknown[] = [];
  for (const file of files) {
    try {
      documents.push(...parseDocuments(readFileSync(file, 'utf8')));
    } catch (err) {
      throw new UserFacingError(
        `--from-dump: ${relative(dir, file)} is not valid YAML/JSON: ${errorMessage(err).split('\n')[0]}`,
      );
    }
  }
  try {
    // Validates the shapes now, so a broken bundle is one line, not a simulator error later.
    scenarioFromDocuments(documents);
  } catch (err) {
    throw new UserFacingError(`--from-dump ${dir}: ${errorMessage(err)}`);
  }
  return { files, documents };
}

function readClusterInfo(dir: string): Pick<DumpInfo, 'context' | 'server' | 'collectedAt'> {
  const path = join(dir, 'cluster.json');
  if (!existsSync(path) && !isLink(path)) return { context: null, server: null, collectedAt: null };
  if (isLink(path)) checkLinkInside(dir, path);
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === 'string' && v ? v : null);
    return { context: str(value.context), server: str(value.server), collectedAt: str(value.collectedAt) };
  } catch (err) {
    throw new UserFacingError(`--from-dump: cluster.json is not valid JSON: ${errorMessage(err)}`);
  }
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Serves the bundle on 127.0.0.1 (any free port) and returns a kubeconfig for it. */
export async function openDump(dir: string): Promise<OpenDump> {
  const { files, documents } = loadDumpObjects(dir);
  const info = readClusterInfo(dir);
  const sim = await startSimulator({ scenario: documents as object[], timeline: false });
  return {
    dir,
    files,
    objects: scenarioFromDocuments(documents).objects.length,
    ...info,
    kubeconfigPath: sim.kubeconfigPath,
    close: () => sim.close(),
  };
}
