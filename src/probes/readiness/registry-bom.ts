import { gunzipSync } from 'node:zlib';
import type { Config, ExpectSpec } from '../../model/config.js';
import { tryParseImageRef } from '../../model/image-ref.js';
import { ExpectFileError, parseExpectFile } from '../../model/readiness/expect-files.js';
import type { ExpectSet } from '../../model/readiness/types.js';
import { centralCaFiles, registryCheckSettings } from '../../model/registry/settings.js';
import type { RegistryEndpoint } from '../../model/registry/types.js';
import type { ArtifactReader } from '../registry/read.js';
import { withHomeExpanded } from '../registry/sweep.js';

/**
 * A TKG/TKr BOM read from the private registry itself (`--expect oci://REGISTRY/tkg/tkr-bom:TAG`):
 * upload-bundle pushes the `tkg-bom` and `tkr-bom` images (imgpkg images: one gzip tar layer holding
 * `tkr-bom-<version>.yaml`), so "is my registry ready for this TKr?" needs no file at all. One GET
 * of the manifest and one of the layer, through the registry client (same TLS, tokens, connect_to
 * and never-public guard as the sweep). Any failure says why, naming the reference.
 */
export const OCI_PREFIX = 'oci://';

export const isRegistryBom = (spec: ExpectSpec): boolean => spec.file.startsWith(OCI_PREFIX);

export async function readRegistryBom(
  spec: ExpectSpec,
  config: Config,
  client: ArtifactReader,
): Promise<ExpectSet> {
  const reference = spec.file.slice(OCI_PREFIX.length);
  const fail = (why: string) => new Error(`expect ${spec.file}: ${why}`);
  const ref = tryParseImageRef(reference);
  if (ref instanceof Error) throw fail(`not an image reference (${ref.message})`);
  const settings = withHomeExpanded(registryCheckSettings(config.registry));
  const [host, port] = splitHostPort(ref.domain);
  const endpoint: RegistryEndpoint = {
    scheme: 'https',
    host,
    ...(port !== undefined ? { port } : {}),
    caFiles: centralCaFiles(settings, ref.domain),
  };
  const manifest = await client.read(endpoint, ref.path, { manifest: ref.digest ?? ref.tag ?? 'latest' });
  if (manifest.status !== 200 || !manifest.body) throw fail(`the manifest answered ${manifest.status}`);
  let layers: { digest?: unknown; mediaType?: unknown }[];
  try {
    const doc = JSON.parse(manifest.body.toString('utf8')) as { layers?: unknown };
    layers = Array.isArray(doc.layers) ? (doc.layers as typeof layers) : [];
  } catch {
    throw fail('the manifest is not JSON');
  }
  const layer = layers.find((l) => typeof l.digest === 'string');
  if (!layer) throw fail('the manifest has no layer (an index? name the platform manifest by digest)');
  const blob = await client.read(endpoint, ref.path, { blob: layer.digest as string });
  if (blob.status !== 200 || !blob.body) throw fail(`the layer ${layer.digest} answered ${blob.status}`);
  if (blob.bodyDigest && blob.bodyDigest !== layer.digest)
    throw fail(`the layer's digest is ${blob.bodyDigest}`);
  const file = firstYaml(blob.body);
  if (!file) throw fail('the layer holds no .yaml file');
  const destination = spec.repo ?? config.registry.private[0];
  try {
    return parseExpectFile(file.text, `${spec.file} (${file.name})`, destination ? { destination } : {});
  } catch (err) {
    if (err instanceof ExpectFileError) throw new Error(`expect ${err.message}`);
    throw err;
  }
}

function splitHostPort(domain: string): [string, number | undefined] {
  const m = /^(.*):(\d+)$/.exec(domain);
  return m ? [(m[1] as string).toLowerCase(), Number(m[2])] : [domain.toLowerCase(), undefined];
}

/** The first regular `*.yaml` / `*.yml` file of a (gzipped) tar. */
export function firstYaml(layer: Buffer): { name: string; text: string } | undefined {
  const tar = layer[0] === 0x1f && layer[1] === 0x8b ? gunzipSync(layer) : layer;
  for (let off = 0; off + 512 <= tar.length; ) {
    const header = tar.subarray(off, off + 512);
    if (header.every((b) => b === 0)) return undefined;
    const name = cString(header.subarray(0, 100));
    const prefix = cString(header.subarray(345, 500));
    const size = Number.parseInt(cString(header.subarray(124, 136)).trim() || '0', 8);
    const type = String.fromCharCode(header[156] ?? 0);
    const full = prefix ? `${prefix}/${name}` : name;
    const start = off + 512;
    if ((type === '0' || type === '\0') && /\.ya?ml$/.test(full)) {
      return { name: full.replace(/^\.\//, ''), text: tar.subarray(start, start + size).toString('utf8') };
    }
    off = start + Math.ceil(size / 512) * 512;
  }
  return undefined;
}

function cString(b: Buffer): string {
  const end = b.indexOf(0);
  return b.subarray(0, end < 0 ? b.length : end).toString('utf8');
}
