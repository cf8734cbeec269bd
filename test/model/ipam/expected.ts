import { type Finding, subjectKey } from '../../../src/model/finding.js';
import { compareFindings } from '../../../src/model/finding-order.js';

/** `severity code subject-key` per finding, in report order: the form the fixture expectations use. */
export function summary(findings: readonly Finding[]): string[] {
  return [...findings].sort(compareFindings).map((f) => `${f.severity} ${f.code} ${subjectKey(f.subject)}`);
}

/**
 * What fixtures/ipam/scenario.yaml must produce: pinned once, asserted on the pure evaluation
 * (test/model/ipam) and through the simulator and the CLI (test/probes/ipam.test.ts).
 */
export const IPAM_SCENARIO_FINDINGS = [
  'fail IPAM-002 VSphereVM/tenant-a/wc-2-md-0-b//',
  'fail IPAM-004 IPAddressClaim/tenant-a/wc-2-md-0-c-0-0//',
  'fail IPAM-005 VSphereVM/default/wc-1-md-0-d//',
  'fail IPAM-102 InClusterIPPool/tenant-a/small-pool//',
  'fail IPAM-104 GlobalInClusterIPPool//shared-nodes//',
  'fail IPAM-104 InClusterIPPool/default/inclusterippool//',
  'fail IPAM-105 InClusterIPPool/tenant-b/bad-gateway//',
  'fail IPAM-106 InClusterIPPool/tenant-a/edge//',
  'fail IPAM-201 IPAddress/default/wc-1-md-0-b-0-0//',
  'fail IPAM-201 IPAddress/tenant-a/wc-2-md-0-a-0-0//',
  'fail IPAM-202 IPAddress/default/wc-1-md-0-c-0-0//',
  'fail IPAM-301 Cluster/default/wc-1//',
  'warn IPAM-003 IPAddressClaim/tenant-a/wc-2-md-0-b-0-0//',
  'warn IPAM-103 InClusterIPPool/tenant-b/almost-full//',
  'warn IPAM-302 Cluster/tenant-a/wc-2//',
  'info IPAM-002 VSphereVM/tenant-a/wc-2-md-0-c//',
  'info IPAM-107 InClusterIPPool/default/inclusterippool//',
  'pass IPAM-001 VSphereVM/default/wc-1-cp-abc12//',
  'pass IPAM-001 VSphereVM/default/wc-1-md-0-a//',
  'pass IPAM-001 VSphereVM/tenant-a/wc-2-cp-0//',
  'pass IPAM-001 VSphereVM/tenant-a/wc-2-cp-1//',
  'pass IPAM-001 VSphereVM/tenant-b/wc-3-cp-0//',
  'pass IPAM-101 InClusterIPPool/tenant-b/v6-pool//',
  'pass IPAM-303 Cluster/tenant-b/wc-3//',
];
