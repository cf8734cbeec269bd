import { type Finding, type Severity, type SeverityCounts, severityRank } from '../model/finding.js';
import { refString, tryParseImageRef } from '../model/image-ref.js';
import type { ImagesData } from '../model/images/types.js';
import type { ViewBuilder, ViewRow, ViewTable } from './types.js';

/** One container with what the screen groups on and the findings behind it. */
interface ContainerFacts {
  readonly registry: string;
  readonly image: string;
  readonly namespace: string;
  readonly workload: string;
  readonly podUid: string;
  /** findingKey of each finding about the container, in the findings' order. */
  readonly findingKeys: readonly string[];
  /** The container's worst finding (it counts once, there). */
  readonly worst: Severity | undefined;
}

/** Accumulates counts, worst severity and finding keys for one group row. */
class Group {
  containers = 0;
  readonly pods = new Set<string>();
  readonly images = new Set<string>();
  readonly counts: SeverityCounts = { pass: 0, info: 0, warn: 0, fail: 0 };
  worst: Severity | undefined;
  readonly keys: string[] = [];
  readonly children = new Map<string, Group>();

  add(c: ContainerFacts): void {
    this.containers += 1;
    this.pods.add(c.podUid);
    this.images.add(c.image);
    for (const key of c.findingKeys) this.keys.push(key);
    if (c.worst !== undefined) {
      this.counts[c.worst] += 1;
      if (this.worst === undefined || severityRank(c.worst) > severityRank(this.worst)) this.worst = c.worst;
    }
  }

  child(key: string): Group {
    let g = this.children.get(key);
    if (!g) {
      g = new Group();
      this.children.set(key, g);
    }
    return g;
  }
}

const INVALID_REGISTRY = '(invalid reference)';

/**
 * subjectKey of a Pod container subject (kind, namespace, name, container, node joined by "/"),
 * built as one template: the screen builds 20,000 of these on every change of the pods.
 */
function podSubjectKey(namespace: string, name: string, container: string, node: string): string {
  return `Pod/${namespace}/${name}/${container}/${node}`;
}

/** A container's findings as their keys and worst severity (the same as findingKey and the worst of them). */
interface ContainerFindings {
  readonly keys: string[];
  worst: Severity | undefined;
}

const NO_FINDINGS: ContainerFindings = { keys: [], worst: undefined };

function containerFacts(data: ImagesData, findings: readonly Finding[]): ContainerFacts[] {
  const bySubject = new Map<string, ContainerFindings>();
  for (const f of findings) {
    if (f.subject.kind !== 'Pod') continue;
    const s = f.subject;
    const key = podSubjectKey(s.namespace ?? '', s.name, s.container ?? '', s.node ?? '');
    let entry = bySubject.get(key);
    if (!entry) {
      entry = { keys: [], worst: undefined };
      bySubject.set(key, entry);
    }
    // findingKey(f), from the subject key in hand.
    entry.keys.push(`${f.code}|${key}`);
    if (entry.worst === undefined || severityRank(f.severity) > severityRank(entry.worst))
      entry.worst = f.severity;
  }
  const parsed = new Map<string, { registry: string; image: string }>();
  const out: ContainerFacts[] = [];
  for (const pod of data.pods) {
    const workload = `${pod.workload.kind}/${pod.workload.name}`;
    for (const c of pod.containers) {
      let p = parsed.get(c.image);
      if (!p) {
        const ref = tryParseImageRef(c.image);
        p =
          ref instanceof Error
            ? { registry: INVALID_REGISTRY, image: c.image }
            : { registry: ref.domain, image: refString(ref) };
        parsed.set(c.image, p);
      }
      // The container's own subject has no node: findings placed on a node are not its own.
      const own = bySubject.get(podSubjectKey(pod.namespace, pod.name, c.name, '')) ?? NO_FINDINGS;
      out.push({
        registry: p.registry,
        image: p.image,
        namespace: pod.namespace,
        workload,
        podUid: pod.uid,
        findingKeys: own.keys,
        worst: own.worst,
      });
    }
  }
  return out;
}

/** Worst first, then name: problems on top, stable order among equals. */
function sortedEntries(groups: Map<string, Group>): [string, Group][] {
  return [...groups.entries()].sort(
    ([a, ga], [b, gb]) =>
      (gb.worst ? severityRank(gb.worst) : -1) - (ga.worst ? severityRank(ga.worst) : -1) ||
      a.localeCompare(b),
  );
}

function countCells(g: Group): Record<string, string> {
  return {
    pods: String(g.pods.size),
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
function registryTree(facts: readonly ContainerFacts[], privateSpecs: readonly string[]): ViewTable {
  const root = new Group();
  for (const c of facts) {
    root.add(c);
    const reg = root.child(c.registry);
    reg.add(c);
    const img = reg.child(c.image);
    img.add(c);
    img.child(`${c.namespace}/${c.workload}`).add(c);
  }
  const rows: ViewRow[] = [];
  for (const [registry, reg] of sortedEntries(root.children)) {
    rows.push({
      key: `registry:${registry}`,
      cells: { name: registry, images: String(reg.children.size), ...countCells(reg) },
      severity: reg.worst,
      depth: 0,
      findingKeys: reg.keys,
      object: { registry, images: [...reg.children.keys()].sort() },
    });
    for (const [image, img] of sortedEntries(reg.children)) {
      rows.push({
        key: `image:${image}`,
        cells: { name: image, images: '', ...countCells(img) },
        severity: img.worst,
        depth: 1,
        findingKeys: img.keys,
        object: { image, registry, workloads: [...img.children.keys()].sort() },
      });
      for (const [workload, wl] of sortedEntries(img.children)) {
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
  return {
    id: 'registries',
    title: 'Images by registry',
    columns: [
      { key: 'name', title: 'REGISTRY / IMAGE / WORKLOAD', width: 64 },
      { key: 'images', title: 'IMAGES', width: 7, align: 'right' },
      ...COUNT_COLUMNS,
    ],
    rows,
    footer: `${root.children.size} registries · ${root.images.size} images · ${root.containers} containers in ${root.pods.size} pods · private: ${privateSpecs.length ? privateSpecs.join(', ') : 'none configured'}`,
  };
}

function flatCounts(
  id: string,
  title: string,
  label: string,
  facts: readonly ContainerFacts[],
  keyOf: (c: ContainerFacts) => string,
): ViewTable {
  const root = new Group();
  for (const c of facts) root.child(keyOf(c)).add(c);
  const rows: ViewRow[] = sortedEntries(root.children).map(([name, g]) => ({
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

/** The images screen's tables, pure: registry tree, then counts by namespace and by workload. */
export function buildImagesTables(
  data: ImagesData,
  findings: readonly Finding[],
  privateSpecs: readonly string[],
): ViewTable[] {
  const facts = containerFacts(data, findings);
  return [
    registryTree(facts, privateSpecs),
    flatCounts('namespaces', 'Containers by namespace', 'Namespace', facts, (c) => c.namespace),
    flatCounts(
      'workloads',
      'Containers by workload',
      'Workload',
      facts,
      (c) => `${c.namespace}/${c.workload}`,
    ),
  ];
}

export const imagesView: ViewBuilder<'images'> = (input) => {
  const data = input.data;
  // Defensive: a store written by hand (tests, tools) may hold no pods yet.
  if (!data?.pods) return [];
  return buildImagesTables(data, input.findings, input.config.registry.private);
};
