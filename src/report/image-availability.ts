import { AVAILABILITY_MODES, type ImageAvailability } from '../model/image-availability.js';
import { type Labels, promGauge } from './prom.js';

/** Per cluster, at most this many containers get availability series (7 series each): the cap keeps unavailable ones first. */
export const MAX_IMAGE_CONTAINERS_PER_CLUSTER = 500;

/**
 * The k8s-image-availability-exporter families, exactly its names and labels (namespace, container,
 * image, kind, name) plus `cluster`, so its alert rules port over unchanged; `job` tells the two
 * apart where both are scraped. Rows come sorted unavailable first, so the cap drops healthy ones.
 */
export function imageAvailabilityFamilies(
  perCluster: readonly { readonly cluster: string; readonly rows: readonly ImageAvailability[] }[],
  cap = MAX_IMAGE_CONTAINERS_PER_CLUSTER,
): string[] {
  const kept = perCluster.map((c) => ({
    cluster: c.cluster,
    rows: c.rows.slice(0, cap),
    omitted: Math.max(0, c.rows.length - cap),
  }));
  const out: string[] = [];
  for (const mode of AVAILABILITY_MODES) {
    const samples = kept.flatMap((c) =>
      c.rows.map((r): [Labels, number] => [
        {
          cluster: c.cluster,
          namespace: r.namespace,
          container: r.container,
          image: r.image,
          kind: r.kind,
          name: r.name,
        },
        r.mode === mode ? 1 : 0,
      ]),
    );
    out.push(
      ...promGauge(
        `k8s_image_availability_exporter_${mode}`,
        `1 when the container's image is ${mode.replace(/_/g, ' ')} as its node group pulls it (airgap-top registry probe; k8s-image-availability-exporter's name), else 0.`,
        samples,
      ),
    );
  }
  out.push(
    ...promGauge(
      'airgap_top_image_series_omitted',
      `Containers left out of the k8s_image_availability_exporter_* series by the cap of ${cap} per cluster (available ones first).`,
      kept.map((c): [Labels, number] => [{ cluster: c.cluster }, c.omitted]),
    ),
  );
  return out;
}
