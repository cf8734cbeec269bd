import { type Finding, findingKey, type Severity, subjectKey } from '../model/finding.js';
import { presenceKey } from '../model/registry/presence.js';
import type { ViewBuilder, ViewRow, ViewTable } from './types.js';

/**
 * The readiness screen: the images the cluster will pull next (templates with no pod running the
 * image, CronJobs, Jobs, node sandbox images) and each expect file with its images, missing first.
 * Built from the readiness findings (one judgement, shared with the reports); enter shows the
 * finding and the registry's answer for the worst node group (the HEAD that proves it).
 */

const RANK: Readonly<Record<Severity, number>> = { fail: 0, warn: 1, info: 2, pass: 3 };

const RESULT: Readonly<Record<string, string>> = {
  'RDY-001': 'present',
  'RDY-002': 'MISSING',
  'RDY-003': 'unverified',
  'RDY-004': 'REFUSED',
  'RDY-005': 'OUTSIDE private',
  'RDY-006': 'INVALID name',
  'RDY-101': 'present',
  'RDY-102': 'MISSING',
  'RDY-103': 'unverified',
  'RDY-104': 'REFUSED',
  'RDY-105': 'OUTSIDE private',
};

const bySeverity = (a: Finding, b: Finding) =>
  RANK[a.severity] - RANK[b.severity] || subjectKey(a.subject).localeCompare(subjectKey(b.subject));

function proof(f: Finding): string {
  const e = f.evidence as Record<string, unknown>;
  if (typeof e.servedBy === 'string')
    return `${e.method ?? 'HEAD'} ${e.servedBy} ${e.status ?? ''} ${e.digest ?? ''}`.trim();
  const endpoints = e.endpoints as
    | readonly { url: string; status: number | null; code: string }[]
    | undefined;
  if (endpoints && endpoints.length > 0) {
    return endpoints.map((x) => `${x.url} ${x.status ?? x.code}`).join('; ');
  }
  return typeof e.reason === 'string' ? e.reason : '';
}

export const readinessView: ViewBuilder<'readiness'> = ({ data, findings, snapshot }) => {
  const presence = snapshot.registry?.data;
  const objectOf = (f: Finding) => {
    const e = f.evidence as Record<string, unknown>;
    const answer =
      presence && typeof e.group === 'string' && typeof e.image === 'string'
        ? presence.images[presenceKey(e.group, e.image, undefined)]
        : undefined;
    return {
      finding: { code: f.code, title: f.title, detail: f.detail, evidence: f.evidence },
      registry: answer,
    };
  };
  const row = (f: Finding, image: string, depth = 0): ViewRow => ({
    key: findingKey(f),
    cells: {
      subject:
        f.subject.kind === 'ExpectedImage'
          ? image
          : `${f.subject.kind} ${f.subject.namespace ? `${f.subject.namespace}/` : ''}${f.subject.name} [${f.subject.container ?? ''}]`,
      image,
      result: RESULT[f.code] ?? f.code,
      proof: proof(f),
    },
    severity: f.severity,
    depth,
    findingKeys: [findingKey(f)],
    object: objectOf(f),
  });

  const pending = findings.filter((f) => /^RDY-00/.test(f.code)).sort(bySeverity);
  const pendingRows = pending.map((f) => row(f, String((f.evidence as { image?: unknown }).image ?? '')));
  const pendingFails = pending.filter((f) => f.severity === 'fail').length;

  const expected = new Map<string, Finding>();
  for (const f of findings) if (/^RDY-10[1-5]$/.test(f.code)) expected.set(f.subject.name, f);
  const setRows: ViewRow[] = [];
  for (const set of data.expectSets) {
    const summary = findings.find((f) => f.code === 'RDY-106' && f.subject.name === set.file);
    const mine = [...new Set(set.images.map((i) => i.image))]
      .map((image) => expected.get(image))
      .filter((f): f is Finding => f !== undefined)
      .sort(bySeverity);
    const worst = mine[0]?.severity ?? 'pass';
    const ev = (summary?.evidence ?? {}) as { present?: number; expected?: number };
    setRows.push({
      key: `expect|${set.file}`,
      cells: {
        subject: set.file,
        image: `${set.format}${set.destination ? ` → ${set.destination}` : ''}`,
        result: `${ev.present ?? 0} of ${ev.expected ?? mine.length} present`,
        proof: '',
      },
      severity: worst,
      depth: 0,
      ...(summary ? { findingKeys: [findingKey(summary)] } : {}),
      object: {
        file: set.file,
        format: set.format,
        destination: set.destination ?? null,
        images: set.images.length,
      },
    });
    for (const f of mine) {
      const r = row(f, f.subject.name, 1);
      // One image may sit in several files: its row key names the file too (the cursor stays put).
      setRows.push({ ...r, key: `${set.file}|${r.key}` });
    }
  }
  const tables: ViewTable[] = [
    {
      id: 'readiness-pending',
      title: 'Images not running yet (templates, CronJobs, Jobs, sandbox)',
      columns: [
        { key: 'subject', title: 'OWNER [CONTAINER]', width: 48, truncate: 'middle' },
        { key: 'image', title: 'IMAGE', width: 48, truncate: 'middle' },
        { key: 'result', title: 'RESULT', width: 16 },
        { key: 'proof', title: 'PROOF (LAST REQUEST)' },
      ],
      rows: pendingRows,
      footer: `${pending.length} images not running yet, ${pendingFails} would fail; ${data.templates.length} templates read`,
    },
    {
      id: 'readiness-expected',
      title: 'Expected image sets',
      columns: [
        { key: 'subject', title: 'FILE / IMAGE', width: 56, truncate: 'middle' },
        { key: 'image', title: 'FORMAT', width: 30, truncate: 'middle' },
        { key: 'result', title: 'RESULT', width: 18 },
        { key: 'proof', title: 'PROOF (LAST REQUEST)' },
      ],
      rows: setRows,
      footer:
        data.expectSets.length === 0
          ? 'no expect files: report --expect FILE, [registry] expect = [...], or :expect FILE'
          : `${data.expectSets.length} expect file${data.expectSets.length === 1 ? '' : 's'}`,
    },
  ];
  return tables;
};
