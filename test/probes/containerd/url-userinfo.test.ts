import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Logger } from '../../../src/core/log.js';
import { REDACTED, SecretRegistry, secrets } from '../../../src/core/redact.js';
import { evaluateContainerd } from '../../../src/model/containerd/evaluate.js';
import type { ContainerdData } from '../../../src/model/containerd/types.js';
import type { ImagesData } from '../../../src/model/images/types.js';
import { buildReport } from '../../../src/model/report.js';
import { diffReports } from '../../../src/model/report-diff.js';
import { readDumpNodes } from '../../../src/probes/containerd/index.js';
import { renderDiff } from '../../../src/report/diff.js';
import { REPORT_FORMATS, renderReport } from '../../../src/report/index.js';
import { parseRecordedReport } from '../../../src/report/recorded.js';
import { formatCells } from '../../../src/ui/format.js';
import { probeResult, SAMPLE_META } from '../../report/sample.js';

/**
 * A password inside a URL (`https://robot:PW@registry/...`) is a credential like any other: never
 * shown anywhere, and the host is judged without it.
 */
const PASSWORD = 'Tr0ub4dor-Url-Passw0rd';
const MIRROR = `https://robot:${PASSWORD}@registry.example.internal/v2/proxy`;
const NOW = new Date('2026-11-22T00:00:00Z');
const PRIVATE = ['registry.example.internal'];
const work = mkdtempSync(join(tmpdir(), 'airgap-userinfo-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Every 8-character piece of the password: a cut or partly escaped secret still leaks. */
function expectNoPassword(where: string, text: string): void {
  for (let i = 0; i + 8 <= PASSWORD.length; i++) {
    const piece = PASSWORD.slice(i, i + 8);
    if (text.toLowerCase().includes(piece.toLowerCase()))
      throw new Error(`${where} leaks the URL password (as ${JSON.stringify(piece)})`);
  }
}

describe('userinfo in URLs', async () => {
  const dump = join(work, 'dump');
  const root = join(dump, 'nodes', 'n1');
  cpSync(join(import.meta.dirname, '../../../fixtures/containerd/nodes/ib-v2'), root, { recursive: true });
  mkdirSync(join(root, 'etc/containerd/certs.d/docker.io'));
  writeFileSync(
    join(root, 'etc/containerd/certs.d/docker.io/hosts.toml'),
    `server = "https://registry.example.internal"\n\n[host."${MIRROR}"]\n  capabilities = ["pull", "resolve"]\n  override_path = true\n`,
  );
  const nodes = await readDumpNodes(dump);
  const data: ContainerdData = { source: 'dump', nodes, sweptAt: NOW.toISOString(), durationMs: 0 };
  const images: ImagesData = {
    pods: [
      {
        uid: 'u1',
        namespace: 'default',
        name: 'web',
        nodeName: 'n1',
        workload: { kind: 'Pod', name: 'web' },
        containers: [{ name: 'c', kind: 'container', image: 'docker.io/library/nginx:1.27' }],
      },
    ],
  };
  const findings = evaluateContainerd(data, images, PRIVATE, NOW);

  it('judges the mirror by its host: registry.example.internal is private', () => {
    const docker = nodes[0]?.view?.registries.find((r) => r.host === 'docker.io');
    // The mirror, then `server`: both the private registry once the userinfo is not taken for the host.
    expect(docker?.endpoints.map((e) => e.host)).toEqual([
      'registry.example.internal',
      'registry.example.internal',
    ]);
    expect(findings.filter((f) => f.subject.kind === 'Pod').map((f) => f.code)).toEqual(['CTRD-202']);
  });

  it('keeps the password out of the probe data, and records where the credential was', () => {
    expectNoPassword('probe data', JSON.stringify(nodes));
    expect(JSON.stringify(nodes[0]?.view?.credentials)).toContain('url password');
  });

  it('redacts it in every report format, the diff and the log', () => {
    const report = buildReport(
      [
        probeResult('containerd', 'ready', findings, `mirror ${MIRROR} answered`),
        probeResult('images', 'error', [], `pull from ${MIRROR.toUpperCase()} failed`),
      ],
      SAMPLE_META,
    );
    // Planted (upper-cased: known secrets are matched whatever their case), so the test can fail.
    expect(JSON.stringify(report)).toContain(PASSWORD.toUpperCase());
    for (const format of REPORT_FORMATS) expectNoPassword(format, renderReport(format, report));
    const old = parseRecordedReport(renderReport('json', buildReport([], SAMPLE_META)));
    expectNoPassword('diff', renderDiff(diffReports(old, report)));
    const path = join(work, 'log');
    new Logger({ file: path, minLevel: 'debug' }).info(`connecting to ${MIRROR}`);
    expectNoPassword('log', readFileSync(path, 'utf8'));
  });

  it('masks any URL userinfo, registered or not, and known secrets whatever their case', () => {
    const fresh = new SecretRegistry();
    expect(fresh.redactText('jump via ssh://ops:hunter22@bastion:22 and https://u@h/x')).toBe(
      `jump via ssh://${REDACTED}@bastion:22 and https://${REDACTED}@h/x`,
    );
    fresh.add('Sup3rSecretT0ken');
    expect(fresh.redactText('auth=SUP3RSECRETT0KEN; was sup3rsecrett0ken')).toBe(
      `auth=${REDACTED}; was ${REDACTED}`,
    );
  });

  it('redacts a table cell before the TUI cuts it to its column', () => {
    secrets.add(PASSWORD);
    const columns = [
      { key: 'name', title: 'NAME', width: 6 },
      { key: 'detail', title: 'DETAIL', width: 20 },
    ];
    // A 96-column screen cuts the detail inside the password: the cut piece must not show.
    const line = formatCells(columns, [6, 20], { name: 'n1', detail: `pw ${PASSWORD} end` });
    expect(line).toContain('[redacted]');
    expectNoPassword('table cell', line);
  });
});
