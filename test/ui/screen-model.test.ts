import { describe, expect, test } from 'vitest';
import type { Finding } from '../../src/model/finding.js';
import { groupFailures, groupSubjectLabel } from '../../src/model/finding-groups.js';
import { fakeFinding } from './helpers.js';

/** A pod of a DaemonSet pulling a public image, as the images probe reports it. */
function podOf(name: string, extra: { ns?: string; workload?: string; image?: string; node?: string } = {}) {
  const f = fakeFinding('images', 'IMG-002', 'fail', name);
  return {
    ...f,
    title:
      'DaemonSet monitoring/node-exporter runs quay.io/prometheus/node-exporter:v1.8.2 from public quay.io',
    subject: { ...f.subject, namespace: extra.ns ?? 'monitoring', node: extra.node ?? `node-${name}` },
    evidence: {
      image: extra.image ?? 'quay.io/prometheus/node-exporter:v1.8.2',
      workload: extra.workload ?? 'DaemonSet/node-exporter',
    },
  } satisfies Finding;
}
const nodeFinding: Finding = {
  ...fakeFinding('topology', 'TOPO-002', 'fail', 'md-1'),
  subject: { kind: 'Node', name: 'md-1' },
  evidence: { image: 'not a pod, never merged' },
};

const cases: { name: string; findings: Finding[]; rows: number[] }[] = [
  { name: 'nothing', findings: [], rows: [] },
  { name: 'one pod stays a plain finding row', findings: [podOf('a')], rows: [1] },
  {
    name: 'pods of one workload, same image: one row',
    findings: [podOf('a'), podOf('b'), podOf('c')],
    rows: [3],
  },
  {
    name: 'another namespace is another row',
    findings: [podOf('a'), podOf('b', { ns: 'other' }), podOf('c')],
    rows: [2, 1],
  },
  {
    name: 'another workload is another row',
    findings: [podOf('a'), podOf('b', { workload: 'DaemonSet/other' })],
    rows: [1, 1],
  },
  {
    name: 'another image is another row',
    findings: [podOf('a'), podOf('b', { image: 'quay.io/x:1' })],
    rows: [1, 1],
  },
  {
    name: 'other checks never merge with pods, nor with each other',
    findings: [
      podOf('a'),
      nodeFinding,
      { ...nodeFinding, subject: { kind: 'Node', name: 'md-2' } },
      podOf('b'),
    ],
    rows: [2, 1, 1],
  },
  {
    name: 'same pod problem at another severity stays apart',
    findings: [podOf('a'), { ...podOf('b'), severity: 'warn' }],
    rows: [1, 1],
  },
];

describe('groupFailures (overview rows)', () => {
  test.each(cases)('$name', ({ findings, rows }) => {
    const groups = groupFailures(findings);
    expect(groups.map((g) => g.findings.length)).toEqual(rows);
    // Nothing lost, nothing doubled, order kept within and across groups.
    expect(groups.flatMap((g) => g.findings).length).toBe(findings.length);
    for (const g of groups) {
      expect(g.key.startsWith(g.findings.length > 1 ? 'group:images:' : 'finding:')).toBe(true);
    }
    expect(new Set(groups.map((g) => g.key)).size).toBe(groups.length);
  });

  test('a group key is stable when more pods join (the cursor stays on the row)', () => {
    const [before] = groupFailures([podOf('a'), podOf('b')]);
    const [after] = groupFailures([podOf('a'), podOf('b'), podOf('c')]);
    expect(after?.key).toBe(before?.key);
  });

  test.each([
    [[podOf('a')], 'Pod monitoring/a [main] @node-a'],
    [[podOf('a'), podOf('b')], 'DaemonSet monitoring/node-exporter (2 pods)'],
    [[podOf('a', { workload: 'web' }), podOf('b', { workload: 'web' })], 'monitoring/web (2 pods)'],
    [
      [podOf('a', { workload: '' }), podOf('b', { workload: '', node: 'node-a' })],
      'monitoring: quay.io/prometheus/node-exporter:v1.8.2 (2 pods)',
    ],
  ])('subject label %#', (findings, label) => {
    expect(groupSubjectLabel(findings)).toBe(label);
  });
});
