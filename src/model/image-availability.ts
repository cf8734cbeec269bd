import { ImageIdReader, ImageRefError, tryParseImageRef } from './image-ref.js';
import type { ImagesData } from './images/types.js';
import { type PresenceData, type PresenceOutcome, presenceFor } from './registry/presence.js';

/**
 * Per-container image availability in the words of deckhouse's k8s-image-availability-exporter
 * (one gauge per mode, 1 for the container's current mode and 0 for the others), so its alert rules
 * (`k8s_image_availability_exporter_available{kind="deployment"} == 0`, `..._absent == 1`) port over.
 * Mapped from the registry probe's outcome for the image as the pod's node group pulls it.
 */
export const AVAILABILITY_MODES = [
  'available',
  'absent',
  'bad_image_format',
  'registry_unavailable',
  'authentication_failure',
  'authorization_failure',
  'unknown_error',
] as const;
export type AvailabilityMode = (typeof AVAILABILITY_MODES)[number];

export interface ImageAvailability {
  readonly namespace: string;
  /** The controller kind, lower-case as the exporter writes it (deployment, daemonset, ...). */
  readonly kind: string;
  readonly name: string;
  readonly container: string;
  readonly image: string;
  readonly mode: AvailabilityMode;
}

/**
 * The exporter's modes from the probe's outcome. fallback-public (every private endpoint missed it)
 * is absent: in an air gap the internet copy cannot be pulled; public-only (no private mirror at
 * all) is registry_unavailable for the same reason; TLS refusals are registry_unavailable, as the
 * exporter files connection errors; an outcome that could not be asked from here is unknown.
 */
export function availabilityMode(outcome: PresenceOutcome): AvailabilityMode {
  switch (outcome.kind) {
    case 'present':
      return 'available';
    case 'absent':
    case 'fallback-public':
      return 'absent';
    case 'public-only':
      return 'registry_unavailable';
    case 'refused':
      switch (outcome.by.verdict.kind) {
        case 'anonymous-refused':
        case 'credentials-refused':
          return 'authentication_failure';
        case 'forbidden':
          return 'authorization_failure';
        case 'absent':
          return 'absent';
        default:
          return 'registry_unavailable';
      }
    case 'unverified':
      return outcome.by?.verdict.kind === 'unreachable' ? 'registry_unavailable' : 'unknown_error';
    case 'cri-disabled':
      return 'unknown_error';
  }
}

/**
 * One row per (namespace, controller, container, image), sorted: unavailable first (what a cap must
 * keep), then by labels. Containers whose image the probe has not judged yet are left out, except a
 * reference that does not parse, which is bad_image_format without asking anyone.
 */
export function imageAvailability(
  images: ImagesData | undefined,
  presence: PresenceData | undefined,
): ImageAvailability[] {
  if (!images) return [];
  const rows = new Map<string, ImageAvailability>();
  // Thousands of pods share a few hundred images: each reference is parsed once.
  const malformed = new Map<string, boolean>();
  const imageIds = new ImageIdReader();
  for (const pod of images.pods) {
    for (const c of pod.containers) {
      const key = `${pod.namespace}\u0000${pod.workload.kind}\u0000${pod.workload.name}\u0000${c.name}\u0000${c.image}`;
      if (rows.has(key)) continue;
      let mode: AvailabilityMode | undefined;
      let bad = malformed.get(c.image);
      if (bad === undefined) {
        bad = tryParseImageRef(c.image) instanceof ImageRefError;
        malformed.set(c.image, bad);
      }
      if (bad) mode = 'bad_image_format';
      else if (presence) {
        const p = presenceFor(presence, pod.nodeName, c.image, c.imageID, imageIds);
        if (p) mode = availabilityMode(p.outcome);
      }
      if (!mode) continue;
      rows.set(key, {
        namespace: pod.namespace,
        kind: pod.workload.kind.toLowerCase(),
        name: pod.workload.name,
        container: c.name,
        image: c.image,
        mode,
      });
    }
  }
  const label = (r: ImageAvailability) =>
    `${r.namespace}\u0000${r.kind}\u0000${r.name}\u0000${r.container}\u0000${r.image}`;
  return [...rows.values()].sort(
    (a, b) =>
      Number(a.mode === 'available') - Number(b.mode === 'available') || label(a).localeCompare(label(b)),
  );
}
