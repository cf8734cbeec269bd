import { makeFinding } from '../checks/index.js';
import type { Finding, Subject } from '../finding.js';
import type { IpamAnalysis, PoolAnalysis } from './analysis.js';
import { parseIp, setContains } from './ip.js';
import { type IpamData, poolLabel } from './types.js';

/** The checks of each cluster's control-plane endpoint against the node pools. */

export function evaluateEndpoints(analysis: IpamAnalysis, data: IpamData, out: Finding[]): void {
  for (const cluster of data.clusters) {
    const host = cluster.endpointHost;
    if (!host) continue;
    const subject: Subject = { kind: 'Cluster', namespace: cluster.namespace, name: cluster.name };
    const literal = parseIp(host);
    let candidates: string[];
    if (literal) {
      candidates = [host];
    } else {
      const resolution = data.resolutions[host];
      if (!resolution) continue; // not looked up yet
      if (resolution.error || resolution.addresses.length === 0) {
        out.push(
          makeFinding('IPAM-302', {
            subject,
            detail: `controlPlaneEndpoint.host ${host} does not resolve: ${resolution.error ?? 'no addresses'}.`,
            evidence: { host, port: cluster.endpointPort, resolution },
          }),
        );
        continue;
      }
      candidates = [...resolution.addresses];
    }
    const hits: { address: string; pool: PoolAnalysis }[] = [];
    for (const candidate of candidates) {
      const addr = parseIp(candidate);
      if (!addr) continue;
      for (const pool of analysis.pools) {
        if (pool.space && setContains(pool.space.allocatable, addr)) hits.push({ address: candidate, pool });
      }
    }
    if (hits.length > 0) {
      const heldBy = data.addresses.filter((a) => candidates.includes(a.address));
      out.push(
        makeFinding('IPAM-301', {
          subject,
          detail: `Control-plane endpoint ${host}${literal ? '' : ` (${candidates.join(', ')})`} is allocatable in ${hits.map((h) => poolLabel(h.pool.pool)).join(', ')}${heldBy.length > 0 ? `; already held by IPAddress ${heldBy.map((a) => `${a.namespace}/${a.name}`).join(', ')}` : ''}.`,
          evidence: {
            host,
            port: cluster.endpointPort,
            addresses: candidates,
            pools: hits.map((h) => ({
              pool: poolLabel(h.pool.pool),
              address: h.address,
              next: h.pool.next ?? null,
            })),
            heldBy: heldBy.map((a) => `${a.namespace}/${a.name}`),
          },
        }),
      );
      continue;
    }
    out.push(
      makeFinding('IPAM-303', {
        subject,
        detail: `Control-plane endpoint ${host}${literal ? ' is' : ` resolves to ${candidates.join(', ')}, which is`} in no node pool range.`,
        evidence: { host, port: cluster.endpointPort, addresses: candidates },
      }),
    );
  }
}
