import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join, relative, sep } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { CORE_SCHEMA, loadAll } from 'js-yaml';
import { errorMessage } from '../core/errors.js';
import type { FaultSpec } from './faults.js';
import type { KObject } from './store.js';

/**
 * A scenario: Kubernetes objects (any YAML/JSON a cluster would hold, `kind: List` included, so
 * `kubectl get ... -A -o yaml` output loads as it is) plus an optional document
 *
 *   apiVersion: sim.airgap-top.dev/v1alpha1
 *   kind: Scenario
 *   faults: { latencyMs, cutWatchesAfter, goneOnNextWatch, failNext: {count, status, retryAfterSeconds} }
 *   timeline:
 *     - at: 10                      # seconds after start
 *       apply: <object or list>     # create or replace
 *       delete: {apiVersion, kind, name, namespace}
 *       patch: {apiVersion, kind, name, namespace, patch: {...}}   # strategic-merge-like
 *       faults: {...}
 */
export const SCENARIO_API_VERSION = 'sim.airgap-top.dev/v1alpha1';

export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

export interface TimelineStep {
  readonly at: number;
  readonly apply?: readonly KObject[];
  readonly delete?: readonly ObjectRef[];
  readonly patch?: readonly (ObjectRef & { readonly patch: Record<string, unknown> })[];
  readonly faults?: FaultSpec;
}

export interface Scenario {
  readonly objects: KObject[];
  readonly timeline: TimelineStep[];
  readonly faults?: FaultSpec;
  /**
   * The moment the scenario's timestamps were written for ("now" in the story). When set, every
   * timestamp is shifted by (start time - anchor), so ages and "for 5m" read the same on any day.
   */
  readonly anchor?: string;
}

export class ScenarioError extends Error {}

const EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/**
 * Reads a file, or every YAML/JSON file of a folder (recursively, sorted by path). With `compiled`
 * (a file compileScenario wrote), its documents are used while every source file is byte for byte
 * what it was compiled from: parsing the demo's 330 KB of YAML was ~130 ms of its first frame.
 */
export function loadScenarioPath(path: string, compiled?: string): Scenario {
  const sources = readSources(path);
  const precompiled = compiled ? compiledDocuments(compiled, path, sources) : undefined;
  if (precompiled) return scenarioFromDocuments(precompiled);
  return scenarioFromDocuments(parseSources(sources));
}

/** The file, or every YAML/JSON file of the folder (recursively, sorted by path), with its bytes. */
function readSources(path: string): { file: string; bytes: Buffer }[] {
  let files: string[];
  try {
    files = statSync(path).isDirectory() ? listFiles(path) : [path];
  } catch (err) {
    throw new ScenarioError(`scenario ${path}: ${errorMessage(err)}`);
  }
  return files.map((file) => ({ file, bytes: readFileSync(file) }));
}

function parseSources(sources: readonly { file: string; bytes: Buffer }[]): unknown[] {
  const documents: unknown[] = [];
  for (const { file, bytes } of sources) {
    const text = bytes.toString('utf8');
    try {
      documents.push(
        ...(extname(file).toLowerCase() === '.json' ? [JSON.parse(text) as unknown] : parseDocuments(text)),
      );
    } catch (err) {
      throw new ScenarioError(`scenario file ${file}: ${errorMessage(err)}`);
    }
  }
  return documents;
}

/** A scenario's documents, parsed ahead, with the files (relative path, SHA-256) they came from. */
interface CompiledScenario {
  readonly compiledScenario: 1;
  readonly files: readonly { readonly path: string; readonly sha256: string }[];
  readonly documents: readonly unknown[];
}

/**
 * The scenario at `path` as a compiled file's text (`npm run build` writes the demo's). Only what
 * JSON keeps exactly can be compiled: a document with .inf/.nan or undefined would change.
 */
export function compileScenario(path: string): string {
  const sources = readSources(path);
  const documents = parseSources(sources);
  if (!isDeepStrictEqual(JSON.parse(JSON.stringify(documents)), documents))
    throw new ScenarioError(`scenario ${path}: holds values JSON cannot keep; it cannot be compiled`);
  const compiled: CompiledScenario = {
    compiledScenario: 1,
    files: sources.map(({ file, bytes }) => ({ path: sourceName(path, file), sha256: sha256(bytes) })),
    documents,
  };
  return `${JSON.stringify(compiled)}\n`;
}

/** The compiled documents when they were compiled from exactly these files; else undefined. */
function compiledDocuments(
  compiledPath: string,
  path: string,
  sources: readonly { file: string; bytes: Buffer }[],
): unknown[] | undefined {
  let compiled: CompiledScenario;
  try {
    compiled = JSON.parse(readFileSync(compiledPath, 'utf8')) as CompiledScenario;
  } catch {
    return undefined; // absent or unreadable: parse the sources
  }
  if (
    compiled?.compiledScenario !== 1 ||
    !Array.isArray(compiled.files) ||
    !Array.isArray(compiled.documents)
  )
    return undefined;
  if (compiled.files.length !== sources.length) return undefined;
  for (const [i, source] of sources.entries()) {
    const recorded = compiled.files[i];
    if (recorded?.path !== sourceName(path, source.file) || recorded.sha256 !== sha256(source.bytes))
      return undefined;
  }
  return [...compiled.documents];
}

function sourceName(root: string, file: string): string {
  return relative(root, file).split(sep).join('/') || basename(file);
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...listFiles(full));
    else if (EXTENSIONS.has(extname(name).toLowerCase())) out.push(full);
  }
  return out;
}

/**
 * Multi-document YAML (js-yaml: several times faster than `yaml` on large dumps, which matters for
 * start-up). The core schema keeps unquoted timestamps as strings, as Kubernetes does.
 */
export function parseDocuments(text: string): unknown[] {
  return loadAll(text, undefined, { schema: CORE_SCHEMA }).filter(
    (value) => value !== null && value !== undefined,
  );
}

/** Flattens Lists, separates the Scenario document, validates that each object is an object. */
export function scenarioFromDocuments(documents: readonly unknown[]): Scenario {
  const objects: KObject[] = [];
  const timeline: TimelineStep[] = [];
  let faults: FaultSpec | undefined;
  let anchor: string | undefined;
  const visit = (doc: unknown, where: string) => {
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
      if (Array.isArray(doc)) {
        for (const [i, d] of doc.entries()) visit(d, `${where}[${i}]`);
        return;
      }
      throw new ScenarioError(`${where}: not an object`);
    }
    const obj = doc as KObject;
    if (obj.apiVersion === SCENARIO_API_VERSION && obj.kind === 'Scenario') {
      faults = (obj.faults as FaultSpec | undefined) ?? faults;
      if (obj.anchor !== undefined) {
        if (typeof obj.anchor !== 'string' || Number.isNaN(Date.parse(obj.anchor))) {
          throw new ScenarioError(`${where}: anchor must be an RFC 3339 time such as 2026-11-22T12:40:00Z`);
        }
        anchor = obj.anchor;
      }
      const steps = (obj.timeline ?? []) as Record<string, unknown>[];
      if (!Array.isArray(steps)) throw new ScenarioError(`${where}: timeline must be a list`);
      for (const [i, s] of steps.entries()) timeline.push(parseStep(s, `${where}.timeline[${i}]`));
      return;
    }
    if (typeof obj.kind === 'string' && obj.kind.endsWith('List') && Array.isArray(obj.items)) {
      const itemKind = obj.kind === 'List' ? undefined : obj.kind.slice(0, -'List'.length);
      (obj.items as unknown[]).forEach((item, i) => {
        // Typed lists from the API (PodList) may omit kind/apiVersion on items.
        const it = item as KObject;
        visit(
          itemKind && it && typeof it === 'object'
            ? { apiVersion: obj.apiVersion, kind: itemKind, ...it }
            : item,
          `${where}.items[${i}]`,
        );
      });
      return;
    }
    if (typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') {
      throw new ScenarioError(`${where}: an object needs apiVersion and kind`);
    }
    objects.push(obj);
  };
  for (const [i, d] of documents.entries()) visit(d, `document ${i + 1}`);
  timeline.sort((a, b) => a.at - b.at);
  return { objects, timeline, faults, anchor };
}

const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/** Moves every RFC 3339 timestamp (UTC) in the scenario by the same amount (see Scenario.anchor). */
export function shiftScenarioTime(scenario: Scenario, now: Date): Scenario {
  if (!scenario.anchor) return scenario;
  const delta = now.getTime() - Date.parse(scenario.anchor);
  const shift = <T>(value: T): T => {
    if (typeof value === 'string' && TIMESTAMP.test(value)) {
      return `${new Date(Date.parse(value) + delta).toISOString().slice(0, 19)}Z` as T;
    }
    if (Array.isArray(value)) return value.map(shift) as T;
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shift(v)])) as T;
    }
    return value;
  };
  return { ...scenario, objects: scenario.objects.map(shift), timeline: scenario.timeline.map(shift) };
}

function asList<T>(value: unknown): T[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value as T[];
  const obj = value as KObject;
  if (obj.kind === 'List' && Array.isArray(obj.items)) return obj.items as T[];
  return [value as T];
}

function parseStep(step: Record<string, unknown>, where: string): TimelineStep {
  const at = Number(step.at);
  if (!Number.isFinite(at) || at < 0) throw new ScenarioError(`${where}: "at" must be seconds >= 0`);
  const refCheck = (r: ObjectRef, what: string) => {
    if (!r?.apiVersion || !r.kind || !r.name)
      throw new ScenarioError(`${where}.${what}: needs apiVersion, kind and name`);
  };
  const del = asList<ObjectRef>(step.delete);
  for (const r of del ?? []) refCheck(r, 'delete');
  const patch = asList<ObjectRef & { patch: Record<string, unknown> }>(step.patch);
  patch?.forEach((r) => {
    refCheck(r, 'patch');
    if (!r.patch || typeof r.patch !== 'object')
      throw new ScenarioError(`${where}.patch: needs a patch object`);
  });
  return {
    at,
    apply: asList<KObject>(step.apply),
    delete: del,
    patch,
    faults: step.faults as FaultSpec | undefined,
  };
}
