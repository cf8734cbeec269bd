import { CORE_SCHEMA, load, YAMLException } from 'js-yaml';
import { parseRegistryPrefix, type RegistryPrefix, tryParseImageRef } from '../image-ref.js';
import { cseBaseOf } from '../images/origin.js';
import type { ExpectedImage, ExpectSet } from './types.js';

/**
 * Expect files, parsed (pure): the image sets an SRE already has and wants the private registry to
 * hold. Formats, told apart by shape:
 * - TKG's `publish-images-fromtar.yaml` (tanzu isolated-cluster download-bundle): `NAME.tar: PATH`.
 *   download-bundle names each TAR `<PATH with / as ->-<tag>.tar` and upload-bundle pushes it to
 *   `<destination>/<PATH>` (a filepath.Join), so the tag is what remains of the TAR name after the
 *   dashed path and `-`. The tkg-/tkr-compatibility TARs are named after the last path segment only.
 * - A TKG/TKr BOM: `components.<name>[].images.<key>.{imagePath, tag, imageRepository?}` under
 *   `imageConfig.imageRepository`; in an air gap the custom image repository (the destination)
 *   replaces every imageRepository, as TKG_CUSTOM_IMAGE_REPOSITORY does.
 * - A plain list: one reference per line, `#` comments (kubeadm config images list, crane, imgpkg).
 * Every error names the file and the line: `FILE:LINE: why`.
 */
export class ExpectFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}: ${reason}`);
    this.name = 'ExpectFileError';
  }
}

export interface ExpectParseOptions {
  /**
   * Where the entries of a publish-images-fromtar.yaml or a BOM live in the private registry
   * (`host[:port]/path`): --expect FILE=REPO, else the first [registry] private prefix.
   */
  readonly destination?: string;
}

const SHAPES =
  'expected a publish-images-fromtar.yaml map (NAME.tar: repository path), a TKG/TKr BOM (components:, imageConfig:) or one image reference per line';

export function parseExpectFile(text: string, file: string, options: ExpectParseOptions = {}): ExpectSet {
  const body = text.replace(/^\uFEFF/, '');
  const lines = body.split(/\r?\n/);
  if (looksLikeList(lines)) return parseList(lines, file);
  let doc: unknown;
  try {
    doc = load(body, { schema: CORE_SCHEMA, filename: file });
  } catch (err) {
    if (err instanceof YAMLException) {
      throw new ExpectFileError(file, (err.mark?.line ?? 0) + 1, `not YAML: ${err.reason}`);
    }
    throw err;
  }
  if (!isMap(doc)) throw new ExpectFileError(file, firstContentLine(lines), SHAPES);
  if ('components' in doc) return parseBom(doc, lines, file, options);
  const entries = Object.entries(doc);
  if (entries.length > 0 && entries.every(([k]) => k.endsWith('.tar'))) {
    return parseFromTar(entries, lines, file, options);
  }
  const bad = entries.find(([k]) => !k.endsWith('.tar'));
  throw new ExpectFileError(
    file,
    bad ? keyLine(lines, bad[0], 0) : firstContentLine(lines),
    `${bad ? `"${bad[0]}" is not a TAR file name: ` : ''}${SHAPES}`,
  );
}

// ---------------------------------------------------------------- plain lists

/** Strips a `#` comment: at the start of a line or after white space (a reference holds no `#`). */
function stripComment(line: string): string {
  const m = /(^|\s)#/.exec(line);
  return (m ? line.slice(0, m.index) : line).trim();
}

/** Every content line is one token and none is a YAML key (`key:` / `key: value`). */
function looksLikeList(lines: readonly string[]): boolean {
  let any = false;
  for (const raw of lines) {
    const line = stripComment(raw);
    if (line === '') continue;
    if (/\s/.test(line) || line.endsWith(':') || line.startsWith('-') || line.startsWith('{')) return false;
    any = true;
  }
  return any;
}

function parseList(lines: readonly string[], file: string): ExpectSet {
  const images: ExpectedImage[] = [];
  lines.forEach((raw, i) => {
    const line = stripComment(raw);
    if (line === '') return;
    images.push({ image: validReference(line, file, i + 1), file, line: i + 1 });
  });
  return { file, format: 'list', images };
}

function validReference(image: string, file: string, line: number): string {
  const parsed = tryParseImageRef(image);
  if (parsed instanceof Error) {
    throw new ExpectFileError(file, line, `invalid image reference "${image}": ${parsed.message}`);
  }
  return image;
}

// ---------------------------------------------------------------- publish-images-fromtar.yaml

/** The tag a TAR carries, from its name: `<dashed path>-<tag>.tar`, else `<last segment>-<tag>.tar`. */
export function tagFromTarName(tar: string, path: string): string | undefined {
  const base = tar.slice(0, -'.tar'.length);
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  const candidates = [trimmed.replaceAll('/', '-'), trimmed.split('/').pop() ?? ''];
  for (const prefix of candidates) {
    if (prefix !== '' && base.startsWith(`${prefix}-`) && base.length > prefix.length + 1) {
      return base.slice(prefix.length + 1);
    }
  }
  return undefined;
}

function parseFromTar(
  entries: readonly [string, unknown][],
  lines: readonly string[],
  file: string,
  options: ExpectParseOptions,
): ExpectSet {
  const images: ExpectedImage[] = [];
  let cursor = 0;
  for (const [tar, value] of entries) {
    const line = keyLine(lines, tar, cursor);
    cursor = line;
    if (typeof value !== 'string' || value.trim() === '') {
      throw new ExpectFileError(file, line, `${tar}: the repository path must be a string`);
    }
    const destination = requireDestination(options, file, line, 'publish-images-fromtar.yaml');
    const tag = tagFromTarName(tar, value);
    if (tag === undefined) {
      throw new ExpectFileError(
        file,
        line,
        `${tar}: cannot derive the tag (the name does not start with "${value.replaceAll('/', '-')}-")`,
      );
    }
    const image = `${destination}/${value.replace(/^\/+|\/+$/g, '')}:${tag}`;
    images.push({ image: validReference(image, file, line), file, line });
  }
  return { file, format: 'publish-images-fromtar', destination: options.destination as string, images };
}

// ---------------------------------------------------------------- BOMs

function parseBom(
  doc: Record<string, unknown>,
  lines: readonly string[],
  file: string,
  options: ExpectParseOptions,
): ExpectSet {
  const components = doc.components;
  const componentsLine = keyLine(lines, 'components', 0);
  if (!isMap(components)) throw new ExpectFileError(file, componentsLine, 'components must be a map');
  const imageConfig = doc.imageConfig;
  const ownRepository =
    isMap(imageConfig) && typeof imageConfig.imageRepository === 'string'
      ? imageConfig.imageRepository
      : undefined;
  const images: ExpectedImage[] = [];
  let cursor = componentsLine;
  for (const [name, versions] of Object.entries(components)) {
    const nameLine = keyLine(lines, name, cursor);
    cursor = nameLine;
    if (!Array.isArray(versions)) {
      throw new ExpectFileError(file, nameLine, `components.${name} must be a list of versions`);
    }
    for (const version of versions) {
      if (!isMap(version) || version.images === undefined) continue;
      if (!isMap(version.images)) {
        throw new ExpectFileError(
          file,
          keyLine(lines, 'images', cursor),
          `components.${name}[].images must be a map`,
        );
      }
      for (const [key, info] of Object.entries(version.images)) {
        const line = keyLine(lines, key, cursor);
        cursor = line;
        if (!isMap(info) || typeof info.imagePath !== 'string' || info.tag === undefined) {
          throw new ExpectFileError(file, line, `components.${name}[].images.${key} needs imagePath and tag`);
        }
        const repository =
          options.destination ??
          (typeof info.imageRepository === 'string' ? info.imageRepository : undefined) ??
          ownRepository;
        if (repository === undefined) {
          throw new ExpectFileError(
            file,
            line,
            'no imageRepository (imageConfig.imageRepository) and no destination: pass --expect FILE=REPO or set [registry] private',
          );
        }
        const image = `${repository.replace(/\/+$/, '')}/${info.imagePath}:${String(info.tag)}`;
        images.push({ image: validReference(image, file, line), file, line });
      }
    }
  }
  return {
    file,
    format: 'bom',
    ...(options.destination !== undefined ? { destination: options.destination } : {}),
    images,
  };
}

// ---------------------------------------------------------------- CSE

/**
 * Cloud Director CSE (profile cse): the Tanzu CLI plugin inventory must sit beside `tkg` and
 * `vmware-cloud-director` under each private base, `BASE/tanzu_cli/plugins/plugin-inventory:latest`.
 */
export function cseExpectSet(privateSpecs: readonly string[]): ExpectSet {
  const file = '[registry] profile = "cse"';
  const bases = new Set<string>();
  for (const spec of privateSpecs) {
    const base: RegistryPrefix = cseBaseOf(parseRegistryPrefix(spec));
    bases.add(base.path ? `${base.domain}/${base.path}` : base.domain);
  }
  return {
    file,
    format: 'cse',
    images: [...bases].map((b) => ({
      image: `${b}/tanzu_cli/plugins/plugin-inventory:latest`,
      file,
      line: 0,
    })),
  };
}

// ---------------------------------------------------------------- helpers

function requireDestination(options: ExpectParseOptions, file: string, line: number, what: string): string {
  if (options.destination) return options.destination.replace(/\/+$/, '');
  throw new ExpectFileError(
    file,
    line,
    `a ${what} names paths under a destination repository: pass --expect ${file}=REGISTRY/PATH or set [registry] private`,
  );
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function firstContentLine(lines: readonly string[]): number {
  const i = lines.findIndex((l) => stripComment(l) !== '' && l.trim() !== '---');
  return i < 0 ? 1 : i + 1;
}

/** The 1-based line of `key:` after line `from` (a previous hit, 1-based; 0: from the top), else the first anywhere. */
function keyLine(lines: readonly string[], key: string, from: number): number {
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`^\\s*(-\\s+)?["']?${escaped}["']?\\s*:`);
  for (let i = Math.max(0, from); i < lines.length; i++) if (re.test(lines[i] as string)) return i + 1;
  for (let i = 0; i < lines.length; i++) if (re.test(lines[i] as string)) return i + 1;
  return 1;
}
