import { type Finding, type Severity, type SeverityCounts, severityRank } from '../model/finding.js';
import { refString, tryParseImageRef } from '../model/image-ref.js';
import type { ImagesData, PodRecord } from '../model/images/types.js';
import type { ViewBuilder, ViewRow, ViewTable } from './types.js';

/**
 * The images screen: registry → image → workload tree, then counts by namespace and by workload.
 *
 * Built on every change of the pods or of their findings (under a stream of pod events, a few times a
 * second, for 10,000 pods), so the work per build is kept to one pass over the containers with
 * lookups by strings that already exist: what a pod record yields (its groups, its containers' subject
 * keys) is remembered per record object, and a finding's keys per finding object (the probe and the
 * evaluation keep unchanged records and findings as the same objects across versions).
 */

/** What the screen groups one container on, the same for as long as its pod record is. */
interface ContainerFacts {
  readonly registry: string;
  readonly image: string;
  /** subjectKey of the container's own subject (no node): its findings are looked up by it. */
  readonly subject: string;
}

/** What the screen reads of one pod record. */
export interface PodFacts {
  readonly uid: string;
  readonly namespace: string;
  /** namespace/kind/name: the workload's group key and its name on screen. */
  readonly workload: string;
  readonly containers: readonly ContainerFacts[];
}

/** A container's findings as their keys and worst severity (the same as findingKey and the worst of them). */
export interface ContainerFindings {
  readonly keys: string[];
  worst: Severity | undefined;
}

/** A Pod finding's subject key and findingKey. */
interface FindingFacts {
  readonly subject: string;
  readonly key: string;
}

const INVALID_REGISTRY = '(invalid reference)';
const NO_FINDINGS: ContainerFindings = { keys: [], worst: undefined };

/**
 * subjectKey of a Pod container subject (kind, namespace, name, container, node joined by "/"),
 * built as one template.
 */
function podSubjectKey(namespace: string, name: string, container: string, node: string): string {
  return `Pod/${namespace}/${name}/${container}/${node}`;
}

/** Registry and reference of an image as written in a pod spec (an unparsable one stands apart). */
function imageGroupOf(image: string): { registry: string; image: string } {
  const ref = tryParseImageRef(image);
  return ref instanceof Error
    ? { registry: INVALID_REGISTRY, image }
    : { registry: ref.domain, image: refString(ref) };
}

/** What one pod record yields for the screen (pure; the memo remembers it per record). */
export function podFacts(
  pod: PodRecord,
  parse: (image: string) => { registry: string; image: string } = imageGroupOf,
): PodFacts {
  return {
    uid: pod.uid,
    namespace: pod.namespace,
    workload: `${pod.namespace}/${pod.workload.kind}/${pod.workload.name}`,
    containers: pod.containers.map((c) => {
      const { registry, image } = parse(c.image);
      // The container's own subject has no node: findings placed on a node are not its own.
      return { registry, image, subject: podSubjectKey(pod.namespace, pod.name, c.name, '') };
    }),
  };
}

/** A Pod finding's subject key (node included, as subjectKey) and findingKey; else undefined. */
function findingFacts(f: Finding): FindingFacts | undefined {
  const s = f.subject;
  if (s.kind !== 'Pod') return undefined;
  const subject = podSubjectKey(s.namespace ?? '', s.name, s.container ?? '', s.node ?? '');
  // findingKey(f), from the subject key in hand.
  return { subject, key: `${f.code}|${subject}` };
}

/**
 * Each container's own findings by its subject key: keys in the findings' order, the worst of them.
 * `factsOf` gives a finding's keys (findingFacts, remembered per finding object by the memo).
 */
export function findingsBySubject(
  findings: readonly Finding[],
  factsOf: (f: Finding) => FindingFacts | undefined = findingFacts,
): ReadonlyMap<string, ContainerFindings> {
  const bySubject = new Map<string, ContainerFindings>();
  for (const f of findings) {
    const facts = factsOf(f);
    if (facts === undefined) continue;
    let entry = bySubject.get(facts.subject);
    if (!entry) {
      entry = { keys: [], worst: undefined };
      bySubject.set(facts.subject, entry);
    }
    entry.keys.push(facts.key);
    if (entry.worst === undefined || severityRank(f.severity) > severityRank(entry.worst))
      entry.worst = f.severity;
  }
  return bySubject;
}

/**
 * What one images view remembers between builds, keyed by object identity (so it holds nothing alive
 * and is never stale: a changed pod or finding is a new object).
 */
export class ImagesViewMemo {
  private readonly pods = new WeakMap<PodRecord, PodFacts>();
  private readonly findings = new WeakMap<Finding, FindingFacts | null>();
  private readonly indexes = new WeakMap<readonly Finding[], ReadonlyMap<string, ContainerFindings>>();

  podFacts(pod: PodRecord, parse: (image: string) => { registry: string; image: string }): PodFacts {
    let facts = this.pods.get(pod);
    if (!facts) {
      facts = podFacts(pod, parse);
      this.pods.set(pod, facts);
    }
    return facts;
  }

  findingsBySubject(findings: readonly Finding[]): ReadonlyMap<string, ContainerFindings> {
    let index = this.indexes.get(findings);
    if (!index) {
      index = findingsBySubject(findings, (f) => {
        let facts = this.findings.get(f);
        if (facts === undefined) {
          facts = findingFacts(f) ?? null;
          this.findings.set(f, facts);
        }
        return facts ?? undefined;
      });
      this.indexes.set(findings, index);
    }
    return index;
  }
}

/**
 * Counts, worst severity and finding keys of one group row. Pods are counted once per group: the
 * containers of one pod come one after another, so a group has seen a pod when its last pod is it
 * (when the data hold two records with one uid, a set of uids does it instead).
 */
class Group {
  containers = 0;
  pods = 0;
  private lastUid: string | undefined;
  private uids: Set<string> | undefined;
  readonly counts: SeverityCounts = { pass: 0, info: 0, warn: 0, fail: 0 };
  worst: Severity | undefined;
  readonly keys: string[] = [];

  constructor(sharedUids: boolean) {
    if (sharedUids) this.uids = new Set();
  }

  add(uid: string, own: ContainerFindings): void {
    this.containers += 1;
    if (this.uids) {
      if (!this.uids.has(uid)) {
        this.uids.add(uid);
        this.pods += 1;
      }
    } else if (this.lastUid !== uid) {
      this.lastUid = uid;
      this.pods += 1;
    }
    for (const key of own.keys) this.keys.push(key);
    const worst = own.worst;
    if (worst !== undefined) {
      this.counts[worst] += 1;
      if (this.worst === undefined || severityRank(worst) > severityRank(this.worst)) this.worst = worst;
    }
  }
}

class ImageGroup extends Group {
  readonly workloads = new Map<string, Group>();
}

class RegistryGroup extends Group {
  readonly images = new Map<string, ImageGroup>();
}

class FlatGroup extends Group {
  readonly images = new Set<string>();
}

/** Every grouping of the screen, filled in one pass over the containers in pod order. */
interface Groups {
  readonly registries: Map<string, RegistryGroup>;
  readonly namespaces: Map<string, FlatGroup>;
  readonly workloads: Map<string, FlatGroup>;
  /** Containers and pods of the whole cluster (the footer). */
  readonly all: Group;
}

/** True when two pod records share a uid (hand-made data): pods are then counted by a set of uids. */
function sharesUids(pods: readonly PodFacts[]): boolean {
  const seen = new Set<string>();
  for (const p of pods) {
    if (seen.has(p.uid)) return true;
    seen.add(p.uid);
  }
  return false;
}

function childOf<G>(map: Map<string, G>, key: string, create: () => G): G {
  let g = map.get(key);
  if (g === undefined) {
    g = create();
    map.set(key, g);
  }
  return g;
}

/** Groups the containers of `pods` (in their order) with the findings each owns. */
export function groupContainers(
  pods: readonly PodFacts[],
  bySubject: ReadonlyMap<string, ContainerFindings>,
): Groups {
  const shared = sharesUids(pods);
  const groups: Groups = {
    registries: new Map(),
    namespaces: new Map(),
    workloads: new Map(),
    all: new Group(shared),
  };
  const newFlat = () => new FlatGroup(shared);
  const newImage = () => new ImageGroup(shared);
  const newRegistry = () => new RegistryGroup(shared);
  const newGroup = () => new Group(shared);
  for (const pod of pods) {
    if (pod.containers.length === 0) continue;
    const ns = childOf(groups.namespaces, pod.namespace, newFlat);
    const wl = childOf(groups.workloads, pod.workload, newFlat);
    for (const c of pod.containers) {
      const own = bySubject.get(c.subject) ?? NO_FINDINGS;
      const reg = childOf(groups.registries, c.registry, newRegistry);
      const img = childOf(reg.images, c.image, newImage);
      groups.all.add(pod.uid, own);
      reg.add(pod.uid, own);
      img.add(pod.uid, own);
      childOf(img.workloads, pod.workload, newGroup).add(pod.uid, own);
      ns.add(pod.uid, own);
      ns.images.add(c.image);
      wl.add(pod.uid, own);
      wl.images.add(c.image);
    }
  }
  return groups;
}

/** Worst first, then name: problems on top, stable order among equals. */
function sortedEntries<G extends Group>(groups: Map<string, G>): [string, G][] {
  return [...groups.entries()].sort(
    ([a, ga], [b, gb]) =>
      (gb.worst ? severityRank(gb.worst) : -1) - (ga.worst ? severityRank(ga.worst) : -1) ||
      a.localeCompare(b),
  );
}

function countCells(g: Group): Record<string, string> {
  return {
    pods: String(g.pods),
    containers: String(g.containers),
    pass: String(g.counts.pass),
    info: String(g.counts.info),
    warn: String(g.counts.warn),
    fail: String(g.counts.fail),
  };
}

const COUNT_COLUMNS = [
  { key: 'pods', title: 'PODS', width: 6, align: 'right' },
  { key: 'containers', title: 'CTRS', width: 6, align: 'right' },
  { key: 'fail', title: 'FAIL', width: 6, align: 'right' },
  { key: 'warn', title: 'WARN', width: 6, align: 'right' },
  { key: 'info', title: 'INFO', width: 6, align: 'right' },
  { key: 'pass', title: 'PASS', width: 6, align: 'right' },
] as const;

/** Registry → image → workload tree, with counts and worst severity on every level. */
function registryTree(groups: Groups, privateSpecs: readonly string[]): ViewTable {
  const rows: ViewRow[] = [];
  const images = new Set<string>();
  for (const [registry, reg] of sortedEntries(groups.registries)) {
    for (const image of reg.images.keys()) images.add(image);
    rows.push({
      key: `registry:${registry}`,
      cells: { name: registry, images: String(reg.images.size), ...countCells(reg) },
      severity: reg.worst,
      depth: 0,
      findingKeys: reg.keys,
      object: { registry, images: [...reg.images.keys()].sort() },
    });
    for (const [image, img] of sortedEntries(reg.images)) {
      rows.push({
        key: `image:${image}`,
        cells: { name: image, images: '', ...countCells(img) },
        severity: img.worst,
        depth: 1,
        findingKeys: img.keys,
        object: { image, registry, workloads: [...img.workloads.keys()].sort() },
      });
      for (const [workload, wl] of sortedEntries(img.workloads)) {
        rows.push({
          key: `image-workload:${image}|${workload}`,
          cells: { name: workload, images: '', ...countCells(wl) },
          severity: wl.worst,
          depth: 2,
          findingKeys: wl.keys,
          object: { image, workload },
        });
      }
    }
  }
  const all = groups.all;
  return {
    id: 'registries',
    title: 'Images by registry',
    columns: [
      { key: 'name', title: 'REGISTRY / IMAGE / WORKLOAD', width: 64 },
      { key: 'images', title: 'IMAGES', width: 7, align: 'right' },
      ...COUNT_COLUMNS,
    ],
    rows,
    footer: `${groups.registries.size} registries · ${images.size} images · ${all.containers} containers in ${all.pods} pods · private: ${privateSpecs.length ? privateSpecs.join(', ') : 'none configured'}`,
  };
}

function flatCounts(id: string, title: string, label: string, groups: Map<string, FlatGroup>): ViewTable {
  const rows: ViewRow[] = sortedEntries(groups).map(([name, g]) => ({
    key: `${id}:${name}`,
    cells: { name, images: String(g.images.size), ...countCells(g) },
    severity: g.worst,
    depth: 0,
    findingKeys: g.keys,
    object: { [label.toLowerCase()]: name, images: [...g.images].sort() },
  }));
  return {
    id,
    title,
    columns: [
      { key: 'name', title: label.toUpperCase(), width: 48 },
      { key: 'images', title: 'IMAGES', width: 7, align: 'right' },
      ...COUNT_COLUMNS,
    ],
    rows,
  };
}

/**
 * The images screen's tables, pure in their result: registry tree, then counts by namespace and by
 * workload. `memo` (a view's own) makes a build after a small change cost little more than one pass.
 */
export function buildImagesTables(
  data: ImagesData,
  findings: readonly Finding[],
  privateSpecs: readonly string[],
  memo: ImagesViewMemo = new ImagesViewMemo(),
): ViewTable[] {
  // Parsed references for this build's new records only (a record seen before keeps its facts).
  const parsed = new Map<string, { registry: string; image: string }>();
  const parse = (image: string) => childOf(parsed, image, () => imageGroupOf(image));
  const pods = data.pods.map((pod) => memo.podFacts(pod, parse));
  const groups = groupContainers(pods, memo.findingsBySubject(findings));
  return [
    registryTree(groups, privateSpecs),
    flatCounts('namespaces', 'Containers by namespace', 'Namespace', groups.namespaces),
    flatCounts('workloads', 'Containers by workload', 'Workload', groups.workloads),
  ];
}

/** The images probe's view, with row facts of its own remembered between builds. */
export function createImagesView(): ViewBuilder<'images'> {
  const memo = new ImagesViewMemo();
  return (input) => {
    const data = input.data;
    // Defensive: a store written by hand (tests, tools) may hold no pods yet.
    if (!data?.pods) return [];
    return buildImagesTables(data, input.findings, input.config.registry.private, memo);
  };
}
