import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/html.js';
import { Chromium } from './chromium.js';
import { NASTY, sampleReport } from './sample.js';

const dir = mkdtempSync(join(tmpdir(), 'airgap-top-html-'));
const report = sampleReport();
const html = renderHtml(report);
const file = join(dir, 'report.html');
writeFileSync(file, html);
const url = pathToFileURL(file).href;

interface Counts {
  rows: number;
  visible: number;
  bySeverity: Record<string, number>;
  shown: string;
  probes: string[];
  openProbes: string[];
  scripts: number;
}

const COUNT = `(() => {
  const rows = [...document.querySelectorAll('tr.finding')];
  const visible = rows.filter((r) => getComputedStyle(r).display !== 'none');
  const bySeverity = {};
  for (const r of visible) bySeverity[r.dataset.severity] = (bySeverity[r.dataset.severity] || 0) + 1;
  return {
    rows: rows.length,
    visible: visible.length,
    bySeverity,
    shown: document.getElementById('shown').textContent,
    probes: [...document.querySelectorAll('details.probe')].map((d) => d.dataset.probe),
    openProbes: [...document.querySelectorAll('details.probe[open]')].map((d) => d.dataset.probe),
    scripts: document.scripts.length,
  };
})()`;

let browser: Chromium;

beforeAll(async () => {
  browser = await Chromium.launch();
});
afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('HTML report in headless Chromium', () => {
  it('renders the summary, foldable probe sections and every finding; no request but the file itself', async () => {
    const page = await browser.newPage();
    await page.goto(url);
    const counts = await page.evaluate<Counts>(COUNT);
    expect(counts.rows).toBe(report.probes.reduce((n, p) => n + p.findings.length, 0));
    expect(counts.probes).toEqual(['images', 'topology', 'ipam', 'portgroups', 'containerd']);
    // Sections with failures, warnings or errors start open; the rest are folded.
    expect(counts.openProbes).toEqual(['images', 'topology', 'ipam']);
    // Passing rows are hidden by default; everything else shows.
    expect(counts.bySeverity).toEqual({ fail: 3, warn: 2, info: 1 });
    expect(counts.shown).toBe('Showing 6 of 9 findings');
    expect(counts.scripts).toBe(1);
    const summary = await page.evaluate<string[][]>(
      `[...document.querySelectorAll('table.summary tbody tr')].map((r) => [...r.cells].map((c) => c.textContent.trim()))`,
    );
    expect(summary[0]).toEqual(['Title of images', 'ready', '3', '1', '1', '2']);
    expect(summary[2]?.[1]).toMatch(/^error cannot list ipaddressclaims: 403 Forbidden/);
    // Nasty text is text: the script tag inside a finding never became an element.
    const text = await page.evaluate<string>(`document.body.textContent`);
    expect(text).toContain('<script>alert(1)</script>');
    const evidence = await page.evaluate<string[]>(
      `[...document.querySelectorAll('pre.evidence')].map((e) => e.textContent)`,
    );
    expect(evidence.some((e) => e.includes('"normalized": "docker.io/library/nginx:1.25"'))).toBe(true);
    expect(evidence.some((e) => e.includes(JSON.stringify(NASTY).slice(1, 20)))).toBe(true);
    const remedies = await page.evaluate<string[]>(
      `[...document.querySelectorAll('p.remedy')].map((e) => e.textContent)`,
    );
    expect(remedies).toContain('Remedy: remedy for IMG-002');
    expect(page.consoleErrors).toEqual([]);
    expect(page.requests).toEqual([url]);
  });

  it('filters by severity with JavaScript: counts, hash and the empty-state row follow', async () => {
    const page = await browser.newPage();
    await page.goto(url);
    await page.click('label[for=show-pass]');
    let counts = await page.evaluate<Counts>(COUNT);
    expect(counts.visible).toBe(9);
    expect(counts.shown).toBe('Showing 9 of 9 findings');
    await page.click('label[for=show-fail]');
    await page.click('label[for=show-info]');
    counts = await page.evaluate<Counts>(COUNT);
    expect(counts.bySeverity).toEqual({ warn: 2, pass: 3 });
    expect(await page.evaluate<string>('location.hash')).toBe('#show=warn,pass');
    // Only warnings: topology still has one, images has one.
    await page.click('label[for=show-pass]');
    counts = await page.evaluate<Counts>(COUNT);
    expect(counts.bySeverity).toEqual({ warn: 2 });
    await page.click('label[for=show-warn]');
    const empty = await page.evaluate<number>(
      `[...document.querySelectorAll('tr.none-shown')].filter((r) => getComputedStyle(r).display !== 'none').length`,
    );
    expect(empty).toBe(2);
    // The hash restores a filter on load (a shareable link).
    const again = await browser.newPage();
    await again.goto(`${url}#show=fail`);
    expect((await again.evaluate<Counts>(COUNT)).bySeverity).toEqual({ fail: 3 });
  });

  it('filters by severity without JavaScript too', async () => {
    const page = await browser.newPage({ javascript: false });
    await page.goto(url);
    let counts = await page.evaluate<Counts>(COUNT);
    expect(counts.bySeverity).toEqual({ fail: 3, warn: 2, info: 1 });
    expect(counts.shown).toBe('');
    await page.click('label[for=show-fail]');
    await page.click('label[for=show-pass]');
    counts = await page.evaluate<Counts>(COUNT);
    expect(counts.bySeverity).toEqual({ warn: 2, info: 1, pass: 3 });
  });

  it('an expanded finding keeps its evidence on several lines and its subject column wide', async () => {
    const page = await browser.newPage({ width: 1280, height: 1000 });
    await page.goto(url);
    const before = await page.evaluate<number>(
      `document.querySelector('tr.sev-fail td.subject').getBoundingClientRect().width`,
    );
    await page.evaluate(`document.querySelector('tr.sev-fail details').open = true`);
    const m = await page.evaluate<{
      subject: number;
      lines: number;
      preWidth: number;
      cellWidth: number;
    }>(`(() => {
      const row = document.querySelector('tr.sev-fail');
      const pre = row.querySelector('pre.evidence');
      const code = pre.querySelector('code');
      const line = parseFloat(getComputedStyle(code).lineHeight) || 16;
      return {
        subject: row.querySelector('td.subject').getBoundingClientRect().width,
        lines: Math.round(code.getBoundingClientRect().height / line),
        preWidth: pre.scrollWidth,
        cellWidth: pre.parentElement.closest('td').getBoundingClientRect().width,
        whiteSpace: getComputedStyle(code).whiteSpace,
      };
    })()`);
    const evidenceLines = JSON.stringify(
      report.probes[0]?.findings.find((f) => f.severity === 'fail')?.evidence,
      null,
      2,
    ).split('\n').length;
    expect(m.lines).toBeGreaterThanOrEqual(evidenceLines);
    // The subject column does not collapse when a finding opens (it did: evidence became one long line).
    expect(m.subject).toBeGreaterThan(before * 0.6);
    expect(m.preWidth).toBeLessThanOrEqual(m.cellWidth + 1);
  });

  it.each([true, false])(
    'a deep link to a section scrolls there and keeps its hash (JavaScript %s)',
    async (javascript) => {
      const page = await browser.newPage({ javascript, width: 1000, height: 300 });
      await page.goto(`${url}#probe-portgroups`);
      const m = await page.evaluate<{
        hash: string;
        top: number;
        scrollY: number;
        open: boolean;
        atBottom: boolean;
      }>(`(() => {
      const el = document.getElementById('probe-portgroups');
      const atBottom = window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 1;
      return { hash: location.hash, top: el.getBoundingClientRect().top, scrollY: window.scrollY, open: el.open, atBottom };
    })()`);
      expect(m.hash).toBe('#probe-portgroups');
      expect(m.scrollY).toBeGreaterThan(0);
      // At the section's top, or as far down as the page goes.
      expect(Math.abs(m.top) < 40 || m.atBottom).toBe(true);
      // With JavaScript the linked section also opens (it starts folded: nothing notable in it).
      expect(m.open).toBe(javascript);
    },
  );

  it('looks right (screenshot for a person to check)', async () => {
    const page = await browser.newPage({ width: 1280, height: 1000 });
    await page.goto(url);
    await page.evaluate(`document.querySelector('tr.sev-fail details').open = true`);
    const png = await page.screenshot();
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const out = process.env.AIRGAP_TOP_SCREENSHOT_DIR ?? dir;
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'report-html.png'), png);
  });
});
