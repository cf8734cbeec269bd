import type { ProbeResult } from '../../src/model/evaluate.js';
import { countBySeverity, type Finding, type Severity } from '../../src/model/finding.js';
import { compareFindings } from '../../src/model/finding-order.js';
import type { ProbeId } from '../../src/model/probe.js';
import { buildReport, type Report } from '../../src/model/report.js';

/** Text that breaks naive writers: Markdown, HTML, XML and Prometheus label syntax, newlines, controls. */
export const NASTY =
  'a|b *c* _d_ `e` [f](http://x) <script>alert(1)</script> & "q" \\ back\nnew\tline\u0007 ünï 🚀';

export function finding(
  probe: ProbeId,
  code: string,
  severity: Severity,
  subject: Finding['subject'],
  extra: Partial<Pick<Finding, 'title' | 'detail' | 'evidence' | 'remedy'>> = {},
): Finding {
  return {
    probe,
    code,
    severity,
    subject,
    title: extra.title ?? `${code} title`,
    detail: extra.detail ?? `${code} detail for ${subject.name}`,
    evidence: extra.evidence ?? { image: `registry.example.internal/tkg/${subject.name}:v1` },
    remedy: extra.remedy ?? `remedy for ${code}`,
  } as unknown as Finding;
}

export function probeResult(
  id: ProbeId,
  status: ProbeResult['status'],
  findings: Finding[],
  message?: string,
  updatedAt: string | null = '2026-11-22T10:00:02.500Z',
): ProbeResult {
  const sorted = [...findings].sort(compareFindings);
  return {
    id,
    title: `Title of ${id}`,
    status,
    findings: sorted,
    summary: countBySeverity(sorted),
    message,
    updatedAt: updatedAt ?? undefined,
  };
}

/** A report with every severity, every probe status, a subject with several findings, and nasty text. */
export function sampleResults(): ProbeResult[] {
  const pod = (name: string, container = 'app') => ({ kind: 'Pod', namespace: 'shop', name, container });
  return [
    probeResult('images', 'ready', [
      finding('images', 'IMG-001', 'pass', pod('web-1')),
      finding('images', 'IMG-001', 'pass', pod('web-2')),
      finding('images', 'IMG-002', 'fail', pod('nginx-7d9', 'nginx'), {
        detail: 'image docker.io/library/nginx:1.25 is from a public registry (Deployment shop/nginx)',
        evidence: {
          image: 'nginx:1.25',
          normalized: 'docker.io/library/nginx:1.25',
          workload: 'Deployment shop/nginx',
        },
      }),
      finding('images', 'IMG-002', 'fail', pod('nginx-7d9', 'sidecar')),
      finding('images', 'IMG-004', 'fail', pod('nginx-7d9', 'sidecar'), {
        detail: NASTY,
        evidence: { message: NASTY },
      }),
      finding('images', 'IMG-003', 'warn', pod('api-0'), { title: NASTY }),
      finding('images', 'IMG-005', 'info', {
        kind: 'Pod',
        namespace: 'kube-system',
        name: 'kube-proxy-x',
        container: 'kube-proxy',
      }),
    ]),
    probeResult('topology', 'ready', [
      finding('topology', 'TOPO-001', 'pass', { kind: 'Node', name: 'worker-1' }),
      finding('topology', 'TOPO-002', 'warn', { kind: 'Node', name: 'worker-2' }),
    ]),
    probeResult(
      'ipam',
      'error',
      [],
      'cannot list ipaddressclaims: 403 Forbidden (grant list on ipam.cluster.x-k8s.io)',
    ),
    probeResult('portgroups', 'not-applicable', [], 'no [vsphere] section and no --vsphere-inventory', null),
    probeResult('containerd', 'ready', []),
  ];
}

export const SAMPLE_META = {
  generatedAt: new Date('2026-11-22T10:00:03.000Z'),
  startedAt: new Date('2026-11-22T10:00:00.000Z'),
  toolVersion: '0.1.0',
  context: 'tkg-mgmt-admin@tkg-mgmt',
  server: 'https://10.0.0.10:6443',
  privateRegistries: ['registry.example.internal/tkg'],
  profile: 'tkg',
};

export function sampleReport(): Report {
  return buildReport(sampleResults(), SAMPLE_META);
}
