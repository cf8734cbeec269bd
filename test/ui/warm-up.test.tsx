import { describe, expect, test } from 'vitest';
import type { Finding } from '../../src/model/finding.js';
import { PROBE_IDS, type ProbeId, type ProbeSnapshot } from '../../src/model/probe.js';
import { naturalWidths } from '../../src/ui/format.js';
import { type ProbeTables, ScreenMemo } from '../../src/ui/screen-model.js';
import { warmProbeScreens } from '../../src/ui/warm-up.js';
import type { ViewBuilder, ViewRow, ViewTable } from '../../src/views/types.js';
import { fakeFinding, fakeSource, NO_VIEWS, READY, renderApp, tick } from './helpers.js';

/** A row that counts how often its cells are read: work remembered ahead reads them no more. */
function countedRow(key: string, name: string, reads: { n: number }): ViewRow {
  const cells = { name, pods: String(key.length) };
  return {
    key,
    severity: 'warn',
    get cells() {
      reads.n += 1;
      return cells;
    },
  };
}

function tableOf(id: string, rows: ViewRow[]): ViewTable {
  return {
    id,
    title: id,
    columns: [
      { key: 'name', title: 'NAME', width: 20 },
      { key: 'pods', title: 'PODS', width: 5, align: 'right' },
    ],
    rows,
  };
}

/** A finding that counts reads of what its key is made of (code and subject). */
function countedFinding(name: string, reads: { n: number }): Finding {
  const f = fakeFinding('images', 'IMG-002', 'fail', name);
  return {
    ...f,
    get code() {
      reads.n += 1;
      return f.code;
    },
  };
}

describe('warmProbeScreens', () => {
  test("builds each probe's tables once, then their widths, first rows, drill index and filter texts", () => {
    const reads = { n: 0 };
    const findingReads = { n: 0 };
    const tables = [
      tableOf('registries', [countedRow('r:a', 'docker.io', reads), countedRow('r:b', 'quay.io', reads)]),
      tableOf('findings', [countedRow('f:a', 'nginx', reads)]),
    ];
    const findings = [countedFinding('nginx', findingReads), countedFinding('busybox', findingReads)];
    const built: ProbeId[] = [];
    const tablesFor = (probe: ProbeId): ProbeTables => {
      built.push(probe);
      return { ok: true, tables: probe === 'images' ? tables : [] };
    };
    const memo = new ScreenMemo();
    const steps = [...warmProbeScreens(tablesFor, () => findings, memo, 'all')];
    expect(built).toEqual(PROBE_IDS);
    // images: tables shown, the drill index, 2 tables' texts; every other probe: tables, index.
    expect(steps.filter((p) => p === 'images')).toHaveLength(4);
    expect(steps).toHaveLength(4 + (PROBE_IDS.length - 1) * 2);
    expect(reads.n).toBeGreaterThan(0);
    expect(findingReads.n).toBeGreaterThan(0);

    // What opening the screen, drilling and filtering then do reads nothing again.
    const before = { rows: reads.n, findings: findingReads.n };
    for (const t of tables) {
      naturalWidths(t.columns, t.rows);
      memo.shownRows(t.rows, '', 'all', 'natural');
      memo.shownRows(t.rows, 'docker', 'all', 'natural');
    }
    memo.findingsByKey(findings);
    expect({ rows: reads.n, findings: findingReads.n }).toEqual(before);
  });

  test('a key between two steps stops the rest: nothing past the step it stopped at is done', () => {
    const reads = { n: 0 };
    const table = tableOf('registries', [countedRow('r:a', 'docker.io', reads)]);
    const memo = new ScreenMemo();
    const steps = warmProbeScreens(
      () => ({ ok: true, tables: [table] }),
      () => [],
      memo,
      'all',
    );
    steps.next(); // the tables, their widths and first rows: not the filter texts
    const before = reads.n;
    memo.shownRows(table.rows, 'docker', 'all', 'natural');
    expect(reads.n).toBeGreaterThan(before);
  });
});

const ALL_READY: Partial<Record<ProbeId, ProbeSnapshot>> = Object.fromEntries(
  PROBE_IDS.map((id) => [id, READY({})]),
);

/** An images view that counts its builds (one table, one row). */
function countingImagesView(): { view: ViewBuilder; builds: () => number } {
  let n = 0;
  const view: ViewBuilder = () => {
    n += 1;
    return [
      tableOf('registries', [
        { key: 'reg:docker.io', severity: 'fail', cells: { name: 'docker.io', pods: '1' } },
      ]),
    ];
  };
  return { view, builds: () => n };
}

describe('the App builds the screens ahead in idle time', () => {
  test('once quiet, the images tables are built without a key; pressing 1 then builds nothing', async () => {
    const { view, builds } = countingImagesView();
    const app = renderApp(fakeSource(ALL_READY, {}), {
      views: { ...NO_VIEWS, images: view },
      warmUpAfterMs: 20,
    });
    await app.waitFor((f) => f.includes('Top failures'));
    for (let i = 0; i < 100 && builds() === 0; i++) await tick(20);
    expect(builds()).toBe(1);
    await app.press('1');
    await app.waitFor((f) => f.includes('docker.io'));
    expect(builds()).toBe(1);
    app.unmount();
  });

  test('warm-up off (0): the images tables are built by the key that shows them', async () => {
    const { view, builds } = countingImagesView();
    const app = renderApp(fakeSource(ALL_READY, {}), {
      views: { ...NO_VIEWS, images: view },
      warmUpAfterMs: 0,
    });
    await app.waitFor((f) => f.includes('Top failures'));
    await tick(200);
    expect(builds()).toBe(0);
    await app.press('1');
    await app.waitFor((f) => f.includes('docker.io'));
    expect(builds()).toBe(1);
    app.unmount();
  });

  test('under a stream of data changes (churn) nothing is built ahead; after it, once', async () => {
    const { view, builds } = countingImagesView();
    const src = fakeSource(ALL_READY, {});
    const app = renderApp(src, { views: { ...NO_VIEWS, images: view }, warmUpAfterMs: 400 });
    await app.waitFor((f) => f.includes('Top failures'));
    // A store change every 60 ms for 1.5 s: never 400 ms of quiet, though the App has shown each
    // change long before the next one comes.
    for (let i = 0; i < 25; i++) {
      src.store.set('images', READY({ i }));
      await tick(60);
    }
    expect(builds()).toBe(0);
    for (let i = 0; i < 100 && builds() === 0; i++) await tick(20);
    expect(builds()).toBe(1);
    app.unmount();
  });

  test('a stream of keys puts it off too (a person paging through a table)', async () => {
    const { view, builds } = countingImagesView();
    const app = renderApp(fakeSource(ALL_READY, {}), {
      views: { ...NO_VIEWS, images: view },
      warmUpAfterMs: 400,
    });
    await app.waitFor((f) => f.includes('Top failures'));
    // j and k on the overview every 20 ms for 1.2 s.
    for (let i = 0; i < 60; i++) {
      app.stdin.write(i % 2 ? 'k' : 'j');
      await tick(20);
    }
    expect(builds()).toBe(0);
    for (let i = 0; i < 100 && builds() === 0; i++) await tick(20);
    expect(builds()).toBe(1);
    app.unmount();
  });
});
