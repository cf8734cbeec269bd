import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/model/report.js';
import { escapeInline, escapeKeepingCode, renderMarkdown } from '../../src/report/markdown.js';
import { finding, NASTY, probeResult, SAMPLE_META, sampleReport } from './sample.js';
import { cmarkGfm } from './validators.js';

/** The Markdown as GitHub would render it (cmark-gfm), for checking structure, not strings. */
function render(markdown: string): string {
  const r = cmarkGfm(markdown);
  expect(r.code).toBe(0);
  return r.output;
}

const decode = (html: string) =>
  html
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');

describe('Markdown report, rendered by cmark-gfm', () => {
  const report = sampleReport();
  const md = renderMarkdown(report);
  const html = render(md);

  it('has one summary table with a row per probe plus the total, every row six cells', () => {
    expect(html.match(/<table>/g)).toHaveLength(1);
    const rows = html.slice(html.indexOf('<tbody>'), html.indexOf('</tbody>')).split('<tr>').slice(1);
    expect(rows).toHaveLength(report.probes.length + 1);
    for (const row of rows) expect(row.match(/<td[ >]/g)).toHaveLength(6);
    expect(decode(rows[2] ?? '')).toContain('error: cannot list ipaddressclaims: 403 Forbidden');
  });

  it('lists failures first, then warnings, then information, each with subject, reason, remedy, evidence', () => {
    const headings = [...html.matchAll(/<h2>([^<]+)<\/h2>/g)].map((m) => m[1]);
    expect(headings).toEqual([
      'Probes that could not run',
      'Failures (3)',
      'Warnings (2)',
      'Information (1)',
      'Passing',
    ]);
    const failures = html.slice(html.indexOf('Failures (3)'), html.indexOf('Warnings (2)'));
    expect(failures).toContain('<strong>FAIL IMG-002</strong>');
    expect(failures).toContain('Subject: Pod shop/nginx-7d9 [nginx]');
    expect(failures).toContain('Reason: image docker.io/library/nginx:1.25 is from a public registry');
    expect(failures).toContain('Remedy: remedy for IMG-002');
    expect(failures).toContain('<pre><code class="language-json">');
  });

  it('report text never becomes markup: no raw HTML, links, emphasis or broken cells from content', () => {
    expect(html).not.toContain('raw HTML omitted');
    expect(html).not.toContain('<a href');
    expect(html).not.toContain('<em>');
    expect(html).not.toContain('<del>');
    expect(html).not.toContain('<code>e</code>');
    // The nasty text survives as text (its newline as a space, a tab kept, the bell shown as \x07).
    expect(decode(html)).toContain(
      'a|b *c* _d_ `e` [f](http://x) <script>alert(1)</script> & "q" \\ back new\tline\\x07 ünï',
    );
    // Inside the evidence fence it is the JSON, verbatim.
    expect(decode(html)).toContain(JSON.stringify(NASTY).slice(0, 40));
  });

  it('a fence inside evidence cannot close the code block', () => {
    const fenced = finding(
      'images',
      'IMG-002',
      'fail',
      { kind: 'Pod', namespace: 'ns', name: 'p' },
      {
        evidence: { note: '```\n# not a heading\n````' },
      },
    );
    const out = render(renderMarkdown(buildReport([probeResult('images', 'ready', [fenced])], SAMPLE_META)));
    expect(out).not.toContain('<h1>not a heading');
    expect(out.match(/<pre>/g)).toHaveLength(1);
  });

  it.each([
    ['plain', 'plain'],
    ['a|b', 'a\\|b'],
    ['*x*', '\\*x\\*'],
    ['<b>', '\\<b\\>'],
    ['l1\nl2', 'l1 l2'],
    ['&amp;', '\\&amp;'],
  ])('escapeInline(%j) = %j', (input, expected) => {
    expect(escapeInline(input)).toBe(expected);
  });
});

describe('remedies keep their code spans', () => {
  it.each([
    [
      'Copy the image (e.g. `imgpkg copy` / `crane copy`) and *then* set TKG_CUSTOM_IMAGE_REPOSITORY.',
      '<p>Copy the image (e.g. <code>imgpkg copy</code> / <code>crane copy</code>) and *then* set TKG_CUSTOM_IMAGE_REPOSITORY.</p>',
    ],
    [
      'Run `crictl pull a|b <x>` on the node.',
      '<p>Run <code>crictl pull a|b &lt;x&gt;</code> on the node.</p>',
    ],
    [
      'An unpaired ` stays a backtick, <b> stays text.',
      '<p>An unpaired ` stays a backtick, &lt;b&gt; stays text.</p>',
    ],
  ])('%s', (remedy, expected) => {
    expect(render(escapeKeepingCode(remedy)).trim()).toBe(expected);
  });

  it('a finding of the checks registry shows its remedy commands as code, not escaped backticks', () => {
    const md = renderMarkdown(
      buildReport(
        [
          probeResult('images', 'ready', [
            finding(
              'images',
              'IMG-002',
              'fail',
              { kind: 'Pod', namespace: 'a', name: 'b' },
              { remedy: 'Use `crane copy` first.' },
            ),
          ]),
        ],
        SAMPLE_META,
      ),
    );
    expect(md).toContain('Remedy: Use `crane copy` first.');
    expect(render(md)).toContain('Remedy: Use <code>crane copy</code> first.');
  });
});
