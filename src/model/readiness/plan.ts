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
  for (const pod of images?.pods ?? []) {
    for (const c of pod.containers) {
      out.add(`${pod.namespace}/${pod.workload.kind}/${pod.workload.name}/${c.image}`);
    }
  }
  return out;
}

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
