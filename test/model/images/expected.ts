import { type Finding, subjectLabel } from '../../../src/model/finding.js';
import { compareFindings } from '../../../src/model/finding-order.js';

/** `code severity subject` per finding, in report order: the form the fixture expectations use. */
export function triples(findings: readonly Finding[]): string[] {
  return [...findings].sort(compareFindings).map((f) => `${f.code} ${f.severity} ${subjectLabel(f.subject)}`);
}

/**
 * What fixtures/images/pods.yaml must produce, with fixtures/images/airgap-top.toml: pinned once,
 * asserted on the pure evaluation (test/model/images) and through the simulator and the CLI
 * (test/probes/images.test.ts).
 */
export const IMAGES_FIXTURE_FINDINGS = [
  'IMG-002 fail Pod default/toolbox [debugger-x7k2q]',
  'IMG-002 fail Pod default/web-7d4b9c8f5-q8zlm [nginx]',
  'IMG-002 fail Pod kube-system/etcd-defrag-29391840-7mz5k [defrag]',
  'IMG-002 fail Pod monitoring/prometheus-0 [prometheus]',
  'IMG-003 fail Pod ops/legacy-tools [curl]',
  'IMG-003 fail Pod ops/legacy-tools [jq]',
  'IMG-005 fail Pod apps/worker-6b8d7f9c4-x2b7n [worker]',
  'IMG-005 fail Pod kube-system/etcd-defrag-29391840-7mz5k [defrag]',
  'IMG-006 fail Pod default/bad-image [app]',
  'IMG-004 warn Pod apps/api-5f6d8c9b7-4kq9s [api]',
  'IMG-007 info Pod kube-system/kube-vip-tkg-wc-control-plane-k8x2p [pause]',
  'IMG-001 pass Pod apps/api-5f6d8c9b7-4kq9s [api]',
  'IMG-001 pass Pod apps/worker-6b8d7f9c4-x2b7n [worker]',
  'IMG-001 pass Pod default/toolbox [toolbox]',
  'IMG-001 pass Pod kube-system/antrea-agent-7xk2p [antrea-agent]',
  'IMG-001 pass Pod kube-system/antrea-agent-7xk2p [install-cni]',
  'IMG-001 pass Pod monitoring/prometheus-0 [config-reloader]',
];
