import type { ContainerdData } from '../containerd/types.js';
import type { ImagesData } from '../images/types.js';
import type { ExtraImage } from '../registry/presence.js';
import type { ReadinessData, TemplateContainer, TemplateRecord } from './types.js';

/**
 * What the readiness probe adds to the presence sweep (pure): the images of templates no pod runs
 * yet, every expected image, and each node's sandbox image (as that node pulls it). An image that
 * recurs (a thousand Jobs of one CronJob, one list line per TKr) becomes one request per group: the
 * planner keys requests by (group, image).
 */
export function readinessExtraImages(
  readiness: ReadinessData | undefined,
  containerd: ContainerdData | undefined,
  images: ImagesData | undefined,
): ExtraImage[] {
  const out: ExtraImage[] = [];
  const seen = new Set<string>();
  const push = (image: string, node?: string) => {
    const key = `${node ?? ''}\u0000${image}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(node !== undefined ? { image, node } : { image });
  };
  if (readiness) {
    const running = runningImages(images);
    for (const t of readiness.templates) {
      for (const c of pendingContainers(t, running)) push(c.image);
    }
    for (const set of readiness.expectSets) for (const e of set.images) push(e.image);
  }
  for (const node of sandboxImages(containerd)) push(node.image, node.node);
  return out;
}

/** `namespace/Kind/name/image` of every running container, by its owning workload. */
export function runningImages(images: ImagesData | undefined): ReadonlySet<string> {
  const out = new Set<string>();
  // Pods come sorted by namespace and name, so a workload's pods mostly follow one another: the
  // workload's part of the key is built once per run of its pods, and each image added once per
  // run (10,000 keys built and hashed for a few hundred distinct ones was most of this pass).
  let namespace: string | undefined;
  let kind: string | undefined;
  let name: string | undefined;
  let prefix = '';
  let added: string[] = [];
  for (const pod of images?.pods ?? []) {
    const workload = pod.workload;
    if (pod.namespace !== namespace || workload.kind !== kind || workload.name !== name) {
      namespace = pod.namespace;
      kind = workload.kind;
      name = workload.name;
      prefix = `${namespace}/${kind}/${name}/`;
      added = [];
    }
    for (const c of pod.containers) {
      if (added.includes(c.image)) continue;
      // A workload's pods run a few images (more only mid-rollout): past a few, the set dedupes.
      if (added.length < RUN_IMAGES) added.push(c.image);
      out.add(prefix + c.image);
    }
  }
  return out;
}

/** How many images of one run of a workload's pods runningImages remembers (the set dedupes the rest). */
const RUN_IMAGES = 8;

/**
 * The containers of a template whose image no pod of that workload runs. Templates a controller
 * owns (a Deployment's ReplicaSets, a CronJob's Jobs) are judged on the owner: none of theirs.
 */
export function pendingContainers(t: TemplateRecord, running: ReadonlySet<string>): TemplateContainer[] {
  if (t.controlledBy !== undefined) return [];
  return t.containers.filter((c) => !running.has(`${t.namespace}/${t.kind}/${t.name}/${c.image}`));
}

/** Each node's containerd sandbox (pause) image, from the containerd probe's views. */
export function sandboxImages(containerd: ContainerdData | undefined): { node: string; image: string }[] {
  const out: { node: string; image: string }[] = [];
  for (const r of containerd?.nodes ?? []) {
    if (r.view?.sandboxImage) out.push({ node: r.node, image: r.view.sandboxImage });
  }
  return out;
}
