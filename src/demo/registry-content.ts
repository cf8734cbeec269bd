import { createHash } from 'node:crypto';

/**
 * What the demo's embedded registry holds, as data: deterministic OCI manifests built from the
 * catalog (fixtures/demo/registry/catalog.json). Pure: the same catalog always gives the same bytes,
 * hence the same digests, which the demo scenario's pulled `imageID`s pin (a test keeps them equal).
 */

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';

export interface CatalogImage {
  /** Repository inside the registry, as the request path names it (`tkg/etcd`, `quay-mirror/…`). */
  readonly repository: string;
  readonly tag: string;
  /** The image name pods write, when it differs (a mirror's copy of `quay.io/…`): its content seed. */
  readonly mirrorOf?: string;
  /** Platforms `os/arch`: more than one, or a Windows one, makes the tag an OCI index. */
  readonly platforms?: readonly string[];
}

export interface MissingImage {
  /** The image as pods name it. */
  readonly image: string;
  /** Why the demo's registry lacks it (the story it tells). */
  readonly story: string;
}

export interface DemoCatalog {
  /** The registry name pods and nodes use (`registry.example.internal`). */
  readonly registry: string;
  /** Path prefix of the quay.io mirror inside the registry, and the upstream it mirrors. */
  readonly mirrors: Readonly<Record<string, string>>;
  readonly images: readonly CatalogImage[];
  readonly missing: readonly MissingImage[];
}

/** One manifest the registry serves: the exact bytes and their digest. */
export interface ServedManifest {
  readonly digest: string;
  readonly mediaType: string;
  readonly body: Buffer;
}

export interface RegistryContent {
  /** repository → tag → digest */
  readonly tags: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** repository → digest → manifest (every tag's manifest and each platform manifest of an index). */
  readonly manifests: ReadonlyMap<string, ReadonlyMap<string, ServedManifest>>;
}

function sha256(data: string | Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** A size that looks like a blob's, derived from its digest (deterministic, never zero). */
function sizeOf(digest: string, min: number, spread: number): number {
  return min + (Number.parseInt(digest.slice(7, 15), 16) % spread);
}

function descriptor(mediaType: string, seed: string, min: number, spread: number) {
  const digest = sha256(seed);
  return { mediaType, digest, size: sizeOf(digest, min, spread) };
}

function served(mediaType: string, document: unknown): ServedManifest {
  const body = Buffer.from(JSON.stringify(document));
  return { digest: sha256(body), mediaType, body };
}

function imageManifest(seed: string, platform: string, tag: string): ServedManifest {
  const layerCount = 1 + (Number.parseInt(sha256(seed).slice(7, 9), 16) % 3);
  const layers = Array.from({ length: layerCount }, (_, i) =>
    descriptor(OCI_LAYER, `layer ${i} ${seed} ${platform}`, 700_000, 30_000_000),
  );
  return served(OCI_MANIFEST, {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: descriptor(OCI_CONFIG, `config ${seed} ${platform}`, 1_200, 6_000),
    layers,
    annotations: {
      'org.opencontainers.image.ref.name': tag,
      'org.opencontainers.image.source': 'airgap-top demo registry',
    },
  });
}

/** The image name a catalog entry stands for, as pods would write it. */
export function catalogImageName(catalog: DemoCatalog, image: CatalogImage): string {
  return `${image.mirrorOf ?? `${catalog.registry}/${image.repository}`}:${image.tag}`;
}

/** Every manifest the catalog makes, by repository, tag and digest. */
export function buildRegistryContent(catalog: DemoCatalog): RegistryContent {
  const tags = new Map<string, Map<string, string>>();
  const manifests = new Map<string, Map<string, ServedManifest>>();
  for (const image of catalog.images) {
    const seed = catalogImageName(catalog, image);
    const platforms = image.platforms ?? ['linux/amd64'];
    const byDigest = manifests.get(image.repository) ?? new Map<string, ServedManifest>();
    const perPlatform = platforms.map((p) => ({ platform: p, manifest: imageManifest(seed, p, image.tag) }));
    let top: ServedManifest;
    const single = perPlatform[0];
    if (perPlatform.length === 1 && single && !platforms[0]?.startsWith('windows/')) {
      top = single.manifest;
    } else {
      for (const { manifest } of perPlatform) byDigest.set(manifest.digest, manifest);
      top = served(OCI_INDEX, {
        schemaVersion: 2,
        mediaType: OCI_INDEX,
        manifests: perPlatform.map(({ platform, manifest }) => {
          const [os, architecture] = platform.split('/');
          return {
            mediaType: manifest.mediaType,
            digest: manifest.digest,
            size: manifest.body.length,
            platform: { architecture, os },
          };
        }),
      });
    }
    byDigest.set(top.digest, top);
    manifests.set(image.repository, byDigest);
    const repoTags = tags.get(image.repository) ?? new Map<string, string>();
    repoTags.set(image.tag, top.digest);
    tags.set(image.repository, repoTags);
  }
  return { tags, manifests };
}

/**
 * Where a pod's image lives in the demo registry: `{repository, tag}` for a private name
 * (`registry.example.internal/tkg/x:1` → `tkg/x`) or a mirrored one (`quay.io/a/b:1` →
 * `quay-mirror/a/b`); undefined for any other registry.
 */
export function demoRepositoryOf(
  catalog: DemoCatalog,
  image: string,
): { repository: string; tag: string } | undefined {
  const at = image.indexOf('@');
  const name = at >= 0 ? image.slice(0, at) : image;
  const colon = name.lastIndexOf(':');
  const slash = name.indexOf('/');
  if (colon < 0 || colon < name.lastIndexOf('/') || slash < 0) return undefined;
  const host = name.slice(0, slash);
  const path = name.slice(slash + 1, colon);
  const tag = name.slice(colon + 1);
  if (host === catalog.registry) return { repository: path, tag };
  for (const [prefix, upstream] of Object.entries(catalog.mirrors)) {
    if (host === upstream) return { repository: `${prefix}/${path}`, tag };
  }
  return undefined;
}

const STATUS_IMAGE_ID = /^(\s*)image: (\S+)\n(\s*)imageID: ([^\s@]+)@(sha256:[0-9a-f]{64})$/gm;

/**
 * Scenario YAML with every pulled `imageID` of an image the demo registry serves pinned to the
 * digest it serves (a container status lists `image` then `imageID`). Images it lacks keep theirs:
 * they were pulled before the tag went missing, or from elsewhere.
 */
export function pinServedImageIds(yaml: string, catalog: DemoCatalog, content: RegistryContent): string {
  return yaml.replace(STATUS_IMAGE_ID, (line, indent, image, idIndent, idName, digest) => {
    const at = demoRepositoryOf(catalog, image);
    const served = at ? content.tags.get(at.repository)?.get(at.tag) : undefined;
    const sameName = image.slice(0, image.lastIndexOf(':')) === idName;
    if (!served || !sameName || served === digest) return line;
    return `${indent}image: ${image}\n${idIndent}imageID: ${idName}@${served}`;
  });
}
