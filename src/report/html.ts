import { secrets } from '../core/redact.js';
import { escapeControls } from '../core/sanitize.js';
import { type Finding, SEVERITIES, type Severity, subjectLabel } from '../model/finding.js';
import { type Report, type ReportProbe, scopeText } from '../model/report.js';

const LABEL: Record<Severity, string> = { fail: 'Fail', warn: 'Warn', info: 'Info', pass: 'Pass' };
/** Worst first, as everywhere else. */
const ORDER: readonly Severity[] = [...SEVERITIES].reverse();

/**
 * One self-contained HTML file for the jump box: no network, no external assets (a CSP forbids
 * them), readable without JavaScript. The severity filter is plain checkboxes styled through CSS
 * sibling selectors, so it works with scripts off; the inline script only adds counts, a shareable
 * #show=... hash, expand/collapse all, and opens every section for printing.
 */
export function renderHtml(input: Report): string {
  const report = secrets.redactDeep(input);
  const total = report.summary;
  const clusterName = report.cluster.context ?? report.cluster.server ?? 'cluster';
  const out: string[] = [];
  out.push(
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light dark">',
    `<title>airgap-top report: ${esc(clusterName)} (${total.fail} fail, ${total.warn} warn)</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
  );
  // The checkboxes sit directly in <body>, before <main>, so `:checked ~ main` selectors can filter.
  for (const s of ORDER) {
    out.push(
      `<input type="checkbox" class="filter-box" id="show-${s}" name="${s}" aria-label="Show ${LABEL[s]}"${s === 'pass' ? '' : ' checked'}>`,
    );
  }
  out.push('<header>', '<h1>airgap-top report</h1>', '<dl class="meta">');
  out.push(
    metaRow('Generated', `<time datetime="${esc(report.generatedAt)}">${esc(report.generatedAt)}</time>`),
  );
  out.push(metaRow('Tool', `airgap-top ${esc(report.tool.version)}`));
  out.push(metaRow('Context', report.cluster.context ? code(report.cluster.context) : '&mdash;'));
  out.push(metaRow('API server', report.cluster.server ? code(report.cluster.server) : '&mdash;'));
  if (report.scope) out.push(metaRow('Scope', `<strong>${esc(scopeText(report.scope))}</strong>`));
  out.push(
    metaRow(
      'Private registry',
      (report.registry.private.length
        ? report.registry.private.map(code).join(', ')
        : '<em>none configured</em>') +
        (report.registry.profile ? ` (profile ${esc(report.registry.profile)})` : ''),
    ),
  );
  out.push('</dl>');
  out.push(
    `<p class="verdict verdict-${verdict(report)}" id="verdict">${verdictText(report)}</p>`,
    '</header>',
  );

  out.push('<section id="summary" aria-labelledby="summary-title">', '<h2 id="summary-title">Summary</h2>');
  out.push('<table class="summary">', '<thead><tr><th scope="col">Probe</th><th scope="col">Status</th>');
  for (const s of ORDER) out.push(`<th scope="col" class="num">${LABEL[s]}</th>`);
  out.push('</tr></thead>', '<tbody>');
  for (const p of report.probes) {
    out.push(
      `<tr data-probe="${esc(p.id)}"><th scope="row"><a href="#probe-${esc(p.id)}">${esc(p.title)}</a></th>`,
      `<td><span class="status status-${esc(p.status)}">${esc(p.status)}</span>${p.error ? ` <span class="why">${esc(p.error)}</span>` : ''}</td>`,
    );
    for (const s of ORDER) out.push(`<td class="num${p.summary[s] ? ` has-${s}` : ''}">${p.summary[s]}</td>`);
    out.push('</tr>');
  }
  out.push('</tbody>', '<tfoot><tr><th scope="row">All probes</th>');
  out.push(
    `<td>${total.probesInError ? `<span class="status status-error">${total.probesInError} in error</span>` : ''}</td>`,
  );
  for (const s of ORDER)
    out.push(`<td class="num${total[s] ? ` has-${s}` : ''}" id="total-${s}">${total[s]}</td>`);
  out.push('</tr></tfoot>', '</table>', '</section>');

  out.push(
    '<nav class="filterbar" aria-label="Filter by severity">',
    '<span class="filter-title">Show:</span>',
  );
  for (const s of ORDER) {
    out.push(
      `<label for="show-${s}" class="chip chip-${s}">${LABEL[s]} <span class="count">${total[s]}</span></label>`,
    );
  }
  out.push(
    '<span id="shown" class="shown" aria-live="polite"></span>',
    '<span class="js-only" hidden><button type="button" id="expand-all">Expand all</button> <button type="button" id="collapse-all">Collapse all</button></span>',
    '</nav>',
  );

  out.push('<main>');
  for (const p of report.probes) out.push(...probeSection(p));
  out.push('</main>');
  out.push(
    `<footer>Severity filter works without JavaScript. Evidence is shown as recorded, with secrets redacted. Check codes are explained in docs/checks.md and by <code>airgap-top checks</code>.</footer>`,
  );
  out.push(`<script>${SCRIPT}</script>`, '</body>', '</html>');
  return `${out.join('\n')}\n`;
}

function probeSection(p: ReportProbe): string[] {
  const notable = p.summary.fail + p.summary.warn > 0 || p.status === 'error' || p.status === 'loading';
  const out: string[] = [];
  out.push(
    `<details class="probe" id="probe-${esc(p.id)}" data-probe="${esc(p.id)}"${notable ? ' open' : ''}>`,
  );
  out.push(
    `<summary><h2>${esc(p.title)}</h2> <span class="status status-${esc(p.status)}">${esc(p.status)}</span>`,
  );
  for (const s of ORDER) {
    if (p.summary[s])
      out.push(` <span class="sev sev-${s}">${p.summary[s]} ${LABEL[s].toLowerCase()}</span>`);
  }
  out.push(' <span class="probe-shown"></span></summary>');
  if (p.error) out.push(`<p class="probe-error status-${esc(p.status)}">${esc(p.error)}</p>`);
  if (p.updatedAt) {
    out.push(
      `<p class="probe-meta">Data as of <time datetime="${esc(p.updatedAt)}">${esc(p.updatedAt)}</time>${p.durationSeconds !== null ? `, first sync took ${p.durationSeconds.toFixed(1)} s` : ''}.</p>`,
    );
  }
  if (p.findings.length === 0) {
    out.push(
      `<p class="empty">${p.status === 'ready' ? 'Nothing to check.' : 'No findings.'}</p>`,
      '</details>',
    );
    return out;
  }
  out.push(
    '<table class="findings">',
    '<thead><tr><th scope="col">Severity</th><th scope="col">Code</th><th scope="col">Subject</th><th scope="col">Finding</th></tr></thead>',
    '<tbody>',
  );
  for (const f of p.findings) out.push(findingRow(f));
  out.push(
    '<tr class="none-shown"><td colspan="4">No findings of the selected severities.</td></tr>',
    '</tbody>',
    '</table>',
    '</details>',
  );
  return out;
}

function findingRow(f: Finding): string {
  const evidence = Object.keys(f.evidence).length ? JSON.stringify(f.evidence, null, 2) : '';
  return [
    `<tr class="finding sev-${f.severity}" data-severity="${f.severity}" data-code="${esc(f.code)}">`,
    `<td><span class="sev sev-${f.severity}">${LABEL[f.severity]}</span></td>`,
    `<td><code>${esc(f.code)}</code></td>`,
    `<td class="subject">${esc(subjectLabel(f.subject))}</td>`,
    `<td><details class="finding-detail"><summary>${esc(f.title)}</summary>`,
    `<p class="reason">${esc(f.detail)}</p>`,
    f.remedy ? `<p class="remedy"><strong>Remedy:</strong> ${esc(f.remedy)}</p>` : '',
    evidence ? `<pre class="evidence"><code>${esc(evidence)}</code></pre>` : '',
    '</details></td>',
    '</tr>',
  ].join('');
}

function verdict(report: Report): 'fail' | 'warn' | 'pass' {
  if (report.summary.fail > 0 || report.summary.probesInError > 0) return 'fail';
  return report.summary.warn > 0 ? 'warn' : 'pass';
}

function verdictText(report: Report): string {
  const s = report.summary;
  const errors = s.probesInError
    ? `, ${s.probesInError} probe${s.probesInError === 1 ? '' : 's'} could not run`
    : '';
  return `${s.fail} failing, ${s.warn} warning, ${s.info} info, ${s.pass} passing${errors}.`;
}

function metaRow(term: string, html: string): string {
  return `<div><dt>${esc(term)}</dt><dd>${html}</dd></div>`;
}

function code(text: string): string {
  return `<code>${esc(text)}</code>`;
}

/** Text and attribute escaping for HTML; also neutralises characters HTML may not carry. */
export function esc(text: string): string {
  return (
    // Control characters (and bidi overrides, which would reorder what a reader sees) as visible
    // escapes, like on screen; newlines and tabs stay (evidence is preformatted).
    escapeControls(text, { keepLines: true })
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&#39;')
  );
}

const CSS = `
:root{--fg:#1d2228;--muted:#5b6673;--bg:#fff;--panel:#f5f7f9;--line:#d6dbe1;--fail:#b3261e;--warn:#8a5a00;--info:#1f5fa8;--pass:#2e7d32;--fail-bg:#fde7e6;--warn-bg:#fff2d6;--info-bg:#e3eefb;--pass-bg:#e5f4e6}
@media (prefers-color-scheme:dark){:root{--fg:#e4e8ec;--muted:#9aa5b1;--bg:#15191d;--panel:#1e2429;--line:#333c44;--fail:#ff8a80;--warn:#ffcc66;--info:#8ab4f8;--pass:#81c995;--fail-bg:#3b1d1b;--warn-bg:#3a2e12;--info-bg:#172a40;--pass-bg:#17301c}}
*{box-sizing:border-box}
body{margin:0 auto;max-width:1400px;padding:1rem 1.5rem 3rem;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
h1{font-size:1.5rem;margin:.2rem 0 .6rem}h2{font-size:1.15rem;margin:0;display:inline}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:12.5px}
.meta{display:flex;flex-wrap:wrap;gap:.2rem 2rem;margin:0 0 .8rem}.meta div{display:flex;gap:.5rem}.meta dt{color:var(--muted)}.meta dd{margin:0;overflow-wrap:anywhere}
.verdict{font-weight:600;padding:.5rem .8rem;border-radius:6px;margin:.4rem 0 1rem}.verdict-fail{background:var(--fail-bg);color:var(--fail)}.verdict-warn{background:var(--warn-bg);color:var(--warn)}.verdict-pass{background:var(--pass-bg);color:var(--pass)}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.35rem .6rem;border-bottom:1px solid var(--line);vertical-align:top}thead th{color:var(--muted);font-weight:600;font-size:.85rem}
table.summary{max-width:900px;margin-bottom:1rem}table.summary th[scope=row]{white-space:nowrap}.num{text-align:right;font-variant-numeric:tabular-nums}td.has-fail{color:var(--fail);font-weight:700}td.has-warn{color:var(--warn);font-weight:700}tfoot th,tfoot td{font-weight:700;border-bottom:none}
.why{color:var(--muted)}
.status{display:inline-block;font-size:.8rem;padding:0 .45rem;border-radius:999px;border:1px solid var(--line)}.status-error,.status-loading{color:var(--fail);border-color:var(--fail)}.status-ready{color:var(--pass);border-color:var(--pass)}.status-not-applicable{color:var(--muted)}
.sev{display:inline-block;min-width:3.2em;text-align:center;font-size:.78rem;font-weight:700;padding:.05rem .4rem;border-radius:4px}
span.sev-fail{background:var(--fail-bg);color:var(--fail)}span.sev-warn{background:var(--warn-bg);color:var(--warn)}span.sev-info{background:var(--info-bg);color:var(--info)}span.sev-pass{background:var(--pass-bg);color:var(--pass)}
tr.finding>td:first-child{border-left:4px solid transparent}tr.sev-fail>td:first-child{border-left-color:var(--fail)}tr.sev-warn>td:first-child{border-left-color:var(--warn)}tr.sev-info>td:first-child{border-left-color:var(--info)}tr.sev-pass>td:first-child{border-left-color:var(--pass)}
.filter-box{position:absolute;opacity:0;width:1px;height:1px;margin:0}
.filterbar{position:sticky;top:0;z-index:1;display:flex;flex-wrap:wrap;align-items:center;gap:.5rem;padding:.5rem 0;background:var(--bg);border-bottom:1px solid var(--line);margin-bottom:.8rem}
.filter-title{color:var(--muted)}
.chip{cursor:pointer;user-select:none;padding:.15rem .7rem;border-radius:999px;border:1px solid var(--line);color:var(--muted);text-decoration:line-through}
.chip .count{font-variant-numeric:tabular-nums}
#show-fail:checked~.filterbar .chip-fail{background:var(--fail-bg);color:var(--fail);border-color:var(--fail);text-decoration:none}
#show-warn:checked~.filterbar .chip-warn{background:var(--warn-bg);color:var(--warn);border-color:var(--warn);text-decoration:none}
#show-info:checked~.filterbar .chip-info{background:var(--info-bg);color:var(--info);border-color:var(--info);text-decoration:none}
#show-pass:checked~.filterbar .chip-pass{background:var(--pass-bg);color:var(--pass);border-color:var(--pass);text-decoration:none}
#show-fail:focus-visible~.filterbar .chip-fail,#show-warn:focus-visible~.filterbar .chip-warn,#show-info:focus-visible~.filterbar .chip-info,#show-pass:focus-visible~.filterbar .chip-pass{outline:2px solid var(--info);outline-offset:2px}
#show-fail:not(:checked)~main tr.sev-fail,#show-warn:not(:checked)~main tr.sev-warn,#show-info:not(:checked)~main tr.sev-info,#show-pass:not(:checked)~main tr.sev-pass{display:none}
tr.none-shown{display:none}tr.none-shown td{color:var(--muted);font-style:italic}
.shown{color:var(--muted);margin-left:auto}
button{font:inherit;padding:.1rem .6rem;border-radius:4px;border:1px solid var(--line);background:var(--panel);color:var(--fg);cursor:pointer}
details.probe{border:1px solid var(--line);border-radius:8px;margin:0 0 .8rem;background:var(--panel)}
details.probe>summary{cursor:pointer;padding:.6rem .8rem;list-style-position:outside;margin-left:1rem}
details.probe[open]>summary{border-bottom:1px solid var(--line)}
details.probe>:not(summary){margin-left:.8rem;margin-right:.8rem}
details.probe table{background:var(--bg);width:calc(100% - 1.6rem);margin-bottom:.8rem}
.probe-error{color:var(--fail);font-weight:600}.probe-meta,.empty,.probe-shown{color:var(--muted)}
td>code{white-space:nowrap}pre.evidence code{white-space:inherit}td.subject{overflow-wrap:anywhere;max-width:28rem}
.finding-detail>summary{cursor:pointer}
.reason{margin:.4rem 0}.remedy{margin:.4rem 0;padding:.3rem .5rem;border-left:3px solid var(--info);background:var(--panel)}
pre.evidence{margin:.4rem 0;padding:.5rem;background:var(--panel);border:1px solid var(--line);border-radius:4px;overflow:auto;max-height:24rem;white-space:pre-wrap;overflow-wrap:anywhere}
footer{margin-top:2rem;color:var(--muted);font-size:.85rem}
@media print{.filterbar{position:static}.js-only{display:none}details.probe{break-inside:avoid-page}}
`;

/** Progressive enhancement only: everything it does is also reachable without it. */
const SCRIPT = `
(function(){
  var sevs=['fail','warn','info','pass'];
  function box(s){return document.getElementById('show-'+s);}
  function update(){
    var on={};sevs.forEach(function(s){on[s]=box(s).checked;});
    var shown=0,total=0;
    document.querySelectorAll('details.probe').forEach(function(d){
      var rows=d.querySelectorAll('tr.finding'),n=0;
      rows.forEach(function(r){if(on[r.getAttribute('data-severity')])n++;});
      shown+=n;total+=rows.length;
      var none=d.querySelector('tr.none-shown');if(none)none.style.display=(rows.length&&!n)?'table-row':'';
      var label=d.querySelector('.probe-shown');if(label)label.textContent=rows.length?('(showing '+n+' of '+rows.length+')'):'';
    });
    document.getElementById('shown').textContent='Showing '+shown+' of '+total+' findings';
  }
  function share(){
    var on=sevs.filter(function(s){return box(s).checked;});
    var hash='show='+on.join(',');
    if(location.hash.slice(1)!==hash&&history.replaceState)history.replaceState(null,'','#'+hash);
  }
  var m=/^#show=([a-z,]*)$/.exec(location.hash);
  if(m){var want=m[1].split(',');sevs.forEach(function(s){box(s).checked=want.indexOf(s)>=0;});}
  sevs.forEach(function(s){box(s).addEventListener('change',function(){update();share();});});
  // A deep link to a section (#probe-portgroups) opens it and scrolls there; only a filter change rewrites the hash.
  function reveal(){
    var id=decodeURIComponent(location.hash.slice(1)),el=id&&!/^show=/.test(id)&&document.getElementById(id);
    if(!el)return;
    for(var d=el;d;d=d.parentElement)if(d.tagName==='DETAILS')d.open=true;
    el.scrollIntoView();
  }
  window.addEventListener('hashchange',reveal);
  function all(open){document.querySelectorAll('details.probe').forEach(function(d){d.open=open;});}
  document.getElementById('expand-all').addEventListener('click',function(){all(true);});
  document.getElementById('collapse-all').addEventListener('click',function(){all(false);});
  document.querySelectorAll('.js-only').forEach(function(e){e.hidden=false;});
  window.addEventListener('beforeprint',function(){document.querySelectorAll('details').forEach(function(d){d.open=true;});});
  update();
  reveal();
})();
`;
