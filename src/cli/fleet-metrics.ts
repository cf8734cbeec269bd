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
export class FleetMetrics {
  private cached: { key: string; body: string } | undefined;

  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly live: LiveFleet) {}

  /**
   * Renders the body ahead of the scrapes: every `everyMs` the state key is compared (cheap) and a
   * changed fleet is rendered then, so a scrape finds it ready unless it comes within that moment.
   */
  prerender(everyMs = 1000): void {
    this.timer ??= setInterval(() => this.refresh(new Date()), everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private refresh(now: Date): string {
    const key = this.live.stateKey(now);
    if (this.cached?.key !== key) this.cached = { key, body: fleetMetricsBody(this.live, now) };
    return this.cached.body;
  }

  /** The body is rendered again only when the fleet's state key changes; ages and readiness are always fresh. */
  text(now: Date): string {
    return `${this.refresh(now)}${freshFamilies(this.live, now).join('\n')}\n`;
  }
}

/** What changes with every scrape: readiness and each probe's sync age. */
function freshFamilies(live: LiveFleet, now: Date): string[] {
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
  return [
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
  ];
}

/** Every cluster's prom families and the image availability series (what only a state change changes). */
function fleetMetricsBody(live: LiveFleet, now: Date): string {
  const report = live.report(now);
  const labelOf = new Map(report.clusters.map((c) => [clusterKey(c), clusterLabelOf(report, c)]));
  const availability = [...live.imageAvailability()].map(([key, rows]) => ({
    cluster: labelOf.get(key) ?? key,
    rows,
  }));
  return renderFleetProm(report, 'fail', [`${imageAvailabilityFamilies(availability).join('\n')}\n`]);
}
