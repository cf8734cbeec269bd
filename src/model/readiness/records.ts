import type { ContainerKind } from '../images/types.js';
import type { TemplateContainer, TemplateKind, TemplateRecord } from './types.js';

/**
 * Slim template records from workload objects (pure): name, replicas, the controller that owns it,
 * and each container's image (containers, init and ephemeral ones). Everything else is dropped at
 * the watch, so 10,000 ReplicaSets cost a few hundred bytes each.
 */
interface Obj {
  readonly metadata?: {
    readonly uid?: string;
    readonly name?: string;
    readonly namespace?: string;
    readonly ownerReferences?: readonly { kind?: string; name?: string; controller?: boolean }[];
  };
  readonly spec?: Record<string, unknown>;
}

const KEYS: readonly [string, ContainerKind][] = [
  ['containers', 'container'],
  ['initContainers', 'initContainer'],
  ['ephemeralContainers', 'ephemeralContainer'],
];

function containersOf(podSpec: unknown): TemplateContainer[] {
  if (typeof podSpec !== 'object' || podSpec === null) return [];
  const out: TemplateContainer[] = [];
  for (const [key, kind] of KEYS) {
    const list = (podSpec as Record<string, unknown>)[key];
    if (!Array.isArray(list)) continue;
    for (const c of list) {
      if (typeof c !== 'object' || c === null) continue;
      const { name, image } = c as { name?: unknown; image?: unknown };
      if (typeof image !== 'string' || image === '') continue;
      out.push({ name: typeof name === 'string' ? name : '?', kind, image });
    }
  }
  return out;
}

function podSpecOf(kind: TemplateKind, spec: Record<string, unknown> | undefined): unknown {
  const template = (s: unknown) => (s as { template?: { spec?: unknown } } | undefined)?.template?.spec;
  if (kind === 'CronJob') return template((spec?.jobTemplate as { spec?: unknown } | undefined)?.spec);
  return template(spec);
}

/** The transform a workload collection keeps its objects with. */
export function templateRecordOf(kind: TemplateKind): (obj: unknown) => TemplateRecord | undefined {
  return (raw) => {
    const obj = raw as Obj;
    const uid = obj.metadata?.uid;
    const name = obj.metadata?.name;
    if (!uid || !name) return undefined;
    const spec = obj.spec;
    const controller = obj.metadata?.ownerReferences?.find((o) => o.controller === true);
    const replicas = typeof spec?.replicas === 'number' ? spec.replicas : undefined;
    return {
      uid,
      kind,
      namespace: obj.metadata?.namespace ?? '',
      name,
      ...(kind !== 'DaemonSet' && kind !== 'CronJob' && kind !== 'Job' && replicas !== undefined
        ? { replicas }
        : {}),
      ...(kind === 'CronJob' && spec?.suspend === true ? { suspended: true } : {}),
      ...(controller?.kind ? { controlledBy: `${controller.kind}/${controller.name ?? ''}` } : {}),
      containers: containersOf(podSpecOf(kind, spec)),
    };
  };
}
