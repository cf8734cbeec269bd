import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Report } from '../model/report.js';
import { RENDERERS } from '../report/index.js';
import { writeFileAtomic } from '../report/write.js';

/** ctrl-s: the report as shown, in any format the report command knows, next to where you ran the tool. */

export interface ExportFormat {
  readonly id: string;
  readonly extension: string;
  readonly render: (report: Report) => string;
}

export function exportFormats(): readonly ExportFormat[] {
  return Object.entries(
    RENDERERS as Record<string, { extension: string; render: (r: Report) => string }>,
  ).map(([id, r]) => ({ id, extension: r.extension, render: r.render }));
}

/** airgap-top-report-20261122T124100Z.json: sortable, no characters a shell or Windows dislikes. */
export function reportFileName(extension: string, now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/[-:]/g, '');
  return `airgap-top-report-${stamp}.${extension}`;
}

/** Writes the report atomically; never overwrites an earlier export of the same second. Returns the path. */
export function exportReport(report: Report, format: string, dir: string, now: Date): string {
  const chosen = exportFormats().find((f) => f.id === format);
  if (!chosen) {
    throw new Error(
      `unknown format "${format}" (formats: ${exportFormats()
        .map((f) => f.id)
        .join(', ')})`,
    );
  }
  const base = reportFileName(chosen.extension, now);
  let path = resolve(join(dir, base));
  for (let n = 2; existsSync(path); n++) path = resolve(join(dir, base.replace(/(\.[^.]+)$/, `-${n}$1`)));
  writeFileAtomic(path, chosen.render(report));
  return path;
}
