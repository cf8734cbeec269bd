import type { LiveFleet } from '../app/fleet-live.js';
import { clusterKey } from '../model/fleet.js';
import { clusterLabelOf, MANAGEMENT_LABEL, renderFleetProm } from '../report/fleet.js';
import { imageAvailabilityFamilies } from '../report/image-availability.js';
import { type Labels, promGauge } from '../report/prom.js';

/**
 * serve --fleet's /metrics: every cluster's prom report (a `cluster` label each; the management
 * cluster's own findings under cluster="management"), airgap_top_cluster_up (0 for a cluster that
 * cannot be read), per-probe sync age, and the per-container image availability series.
 */
export function fleetMetricsText(live: LiveFleet, now: Date): string {
  const report = live.report(now);
  const labelOf = new Map(report.clusters.map((c) => [clusterKey(c), clusterLabelOf(report, c)]));
  const ages: [Labels, number][] = [];
  for (const c of report.clusters) {
    for (const p of c.probes) {
      const at = p.updatedAt ? Date.parse(p.updatedAt) : Number.NaN;
      if (Number.isFinite(at))
        ages.push([
          { cluster: labelOf.get(clusterKey(c)) ?? c.name, probe: p.id },
          Math.max(0, (now.getTime() - at) / 1000),
        ]);
    }
  }
  const availability = [...live.imageAvailability()].map(([key, rows]) => ({
    cluster: labelOf.get(key) ?? key,
    rows,
  }));
  const extra = [
    ...promGauge(
      'airgap_top_ready',
      '1 once the first full sync of every cluster and of the management probes is done (what /readyz answers), else 0.',
      [[{ cluster: MANAGEMENT_LABEL }, live.ready ? 1 : 0]],
    ),
    ...promGauge(
      'airgap_top_probe_sync_age_seconds',
      'Seconds since the probe last published its data.',
      ages,
    ),
    ...imageAvailabilityFamilies(availability),
  ];
  return renderFleetProm(report, 'fail', [`${extra.join('\n')}\n`]);
}
