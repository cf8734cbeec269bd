import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { secrets } from '../../src/core/redact.js';
import { findingKey } from '../../src/model/finding.js';
import { PROBE_IDS, type ProbeSnapshot } from '../../src/model/probe.js';
import { colourFromEnv } from '../../src/ui/theme.js';
import type { ViewBuilder } from '../../src/views/types.js';
import { fakeFinding, fakeSource, KEYS, NO_VIEWS, READY, renderApp, tick } from './helpers.js';

const nginx = fakeFinding('images', 'IMG-002', 'fail', 'nginx');
const busybox = fakeFinding('images', 'IMG-003', 'warn', 'busybox');
const pause = fakeFinding('images', 'IMG-001', 'pass', 'pause');

/** A registry → image → pod tree, as the images probe builds it. */
const imagesTree: ViewBuilder = () => [
  {
    id: 'registries',
    title: 'Registries',
    columns: [
      { key: 'name', title: 'NAME', width: 40 },
      { key: 'pods', title: 'PODS', width: 5, align: 'right' },
      { key: 'origin', title: 'ORIGIN' },
    ],
    rows: [
      {
        key: 'reg:docker.io',
        depth: 0,
        severity: 'fail',
        cells: { name: 'docker.io', pods: '2', origin: 'public' },
        findingKeys: [findingKey(nginx), findingKey(busybox)],
      },
      {
        key: 'img:nginx',
        depth: 1,
        severity: 'fail',
        cells: { name: 'library/nginx:1.25', pods: '1', origin: 'public' },
        findingKeys: [findingKey(nginx)],
        object: { image: 'docker.io/library/nginx:1.25', digest: 'sha256:abc' },
      },
      {
        key: 'img:busybox',
        depth: 1,
        severity: 'warn',
        cells: { name: 'library/busybox', pods: '1', origin: 'public' },
        findingKeys: [findingKey(busybox)],
      },
      {
        key: 'reg:private',
        depth: 0,
        severity: 'pass',
        cells: { name: 'registry.example.internal', pods: '1', origin: 'private' },
        object: { registry: 'registry.example.internal' },
      },
      {
        key: 'img:pause',
        depth: 1,
        severity: 'pass',
        cells: { name: 'tkg/pause:3.9', pods: '1', origin: 'private' },
      },
    ],
    footer: '3 images from 2 registries; 1 private',
  },
];
const VIEWS = { ...NO_VIEWS, images: imagesTree };

const ALL_READY: Partial<Record<(typeof PROBE_IDS)[number], ProbeSnapshot>> = Object.fromEntries(
  PROBE_IDS.map((id) => [id, READY({})]),
);

describe('overview', () => {
  test('loading: every probe says so, with progress where it has some', async () => {
    const app = renderApp(
      fakeSource({
        images: { status: 'loading' },
        topology: { status: 'loading' },
        ipam: { status: 'loading' },
        portgroups: {
          status: 'loading',
          progress: { done: 0, total: 0, failed: 0, label: 'logging in to vCenter' },
        },
        containerd: { status: 'loading', progress: { done: 12, total: 40, failed: 2 } },
        registry: { status: 'loading' },
        readiness: { status: 'loading' },
      }),
    );
    const f = await app.waitFor((x) => x.includes('Probes'));
    expect(f).toContain('○ loading 0/7');
    expect(f).toMatch(/images\s+loading…/);
    expect(f).toMatch(/portgroups\s+loading: logging/);
    expect(f).toContain('loading 12/40 (2 failed)');
    expect(f).toContain('no failures so far (probes still loading)');
    app.unmount();
  });

  test('ready with findings: counts, worst finding, top failures first', async () => {
    const app = renderApp(fakeSource(ALL_READY, { images: [pause, busybox, nginx] }));
    const f = await app.waitFor((x) => x.includes('Top failures'));
    expect(f).toMatch(/✗\s+1\s+images\s+ready\s+1\s+1\s+0\s+1\s+12:00:05\s+watching\s+IMG-002/);
    expect(f).toContain('● live');
    const lines = f.split('\n');
    const failRow = lines.findIndex((l) => /FAIL +images/.test(l) && l.includes('IMG-002'));
    const warnRow = lines.findIndex((l) => /WARN +images/.test(l) && l.includes('IMG-003'));
    expect(failRow).toBeGreaterThan(0);
    expect(warnRow).toBeGreaterThan(failRow);
    expect(f).not.toMatch(/PASS\s+images\s+IMG-001/);
    expect(f).toContain('1 images ✗1');
    app.unmount();
  });

  test('empty: all clear', async () => {
    const app = renderApp(fakeSource(ALL_READY, {}));
    const f = await app.waitFor((x) => x.includes('Top failures'));
    expect(f).toContain('all clear');
    expect(f).toContain('no failures or warnings');
    app.unmount();
  });

  test('error: the reason in place, the rest keeps working', async () => {
    const app = renderApp(
      fakeSource(
        {
          ...ALL_READY,
          ipam: {
            status: 'error',
            message: 'ipaddressclaims is forbidden: grant list on ipam.cluster.x-k8s.io',
          },
        },
        { images: [nginx] },
      ),
    );
    const f = await app.waitFor((x) => x.includes('Top failures'));
    expect(f).toMatch(/ipam\s+ERROR.*ipaddressclaims is forbid/);
    expect(f).toContain('ipam: ipaddressclaims is forbidden: grant list on ipam.cluster.x-k8s.io');
    expect(f).toContain('3 ipam ERR');
    expect(f).toContain('IMG-002');
    app.unmount();
  });
});

describe('probe screen', () => {
  test('loading shows progress where the data would be', async () => {
    const app = renderApp(
      fakeSource({
        containerd: { status: 'loading', progress: { done: 3, total: 10, failed: 1, label: 'ssh sweep' } },
      }),
    );
    await app.press('5');
    const f = await app.waitFor((x) => x.includes('waiting for the first sync'));
    expect(f).toContain('[######--------------] 3/10, 1 failed  ssh sweep');
    app.unmount();
  });

  test('ready: the probe tables drawn generically (tree indentation, markers, footer, tabs)', async () => {
    const app = renderApp(fakeSource(ALL_READY, { images: [nginx, busybox, pause] }), { views: VIEWS });
    await app.press('1');
    const f = await app.waitFor((x) => x.includes('Registries (5)'));
    expect(f).toContain('[Registries 5]  Findings 3');
    expect(f).toMatch(/> ✗ {2}docker\.io\s+2 public/);
    expect(f).toMatch(/ {2}✗ {4}library\/nginx:1\.25\s+1 public/);
    expect(f).toMatch(/ {2}! {4}library\/busybox/);
    expect(f).toMatch(/ {2}✓ {2}registry\.example\.internal/);
    expect(f).toContain('3 images from 2 registries; 1 private');
    await app.press(KEYS.right);
    const g = await app.waitFor((x) => x.includes('Findings (3)'));
    expect(g).toMatch(/> ✗ {2}FAIL +IMG-002/);
    app.unmount();
  });

  test('empty: says so', async () => {
    const app = renderApp(fakeSource(ALL_READY, {}));
    await app.press('3');
    const f = await app.waitFor((x) => x.includes('Findings (0)'));
    expect(f).toContain('nothing to show');
    app.unmount();
  });

  test('error: the reason and what to try, where the data would be', async () => {
    const app = renderApp(
      fakeSource({
        ...ALL_READY,
        portgroups: { status: 'error', message: 'vCenter login failed: incorrect user name or password' },
      }),
    );
    await app.press('4');
    const f = await app.waitFor((x) => x.includes('ERROR'));
    expect(f).toContain('ERROR  vCenter login failed: incorrect user name or password');
    expect(f).toContain('What to try:');
    expect(f).toContain('no data: see the error above');
    await app.press('1');
    await app.waitFor((x) => x.includes('overview › images'));
    app.unmount();
  });

  test('not applicable', async () => {
    const app = renderApp(
      fakeSource({ ipam: { status: 'not-applicable', message: 'no CAPV IPAM CRDs on this cluster' } }),
    );
    await app.press('3');
    const f = await app.waitFor((x) => x.includes('not applicable'));
    expect(f).toContain('not applicable: no CAPV IPAM CRDs on this cluster');
    app.unmount();
  });

  test('a view builder that throws is shown as a bug; the findings stay reachable', async () => {
    const broken: ViewBuilder = () => {
      throw new Error('boom');
    };
    const app = renderApp(fakeSource(ALL_READY, { images: [nginx] }), {
      views: { ...NO_VIEWS, images: broken },
    });
    await app.press('1');
    const f = await app.waitFor((x) => x.includes('view failed'));
    expect(f).toContain('the images view failed (a bug in airgap-top, please report it): boom');
    expect(f).toContain('IMG-002');
    app.unmount();
  });
});

describe('keys', () => {
  test('j/k move the cursor; G and g jump; the cursor is drawn with > and inverse', async () => {
    const app = renderApp(fakeSource(ALL_READY, { images: [nginx, busybox, pause] }), { views: VIEWS });
    await app.press('1');
    await app.waitFor((x) => x.includes('Registries'));
    await app.press('j');
    expect(app.frame()).toMatch(/> ✗ {4}library\/nginx/);
    await app.press('G');
    expect(app.frame()).toMatch(/> ✓ {4}tkg\/pause/);
    await app.press('k');
    expect(app.frame()).toMatch(/> ✓ {2}registry\.example/);
    await app.press('g');
    expect(app.frame()).toMatch(/> ✗ {2}docker\.io/);
    app.unmount();
  });

  test('drill: row → its findings → a finding (evidence, remedy, object YAML, breadcrumb) and back to the same row', async () => {
    const app = renderApp(fakeSource(ALL_READY, { images: [nginx, busybox, pause] }), { views: VIEWS });
    await app.press('1', 'j');
    await app.press(KEYS.enter);
    const finding = await app.waitFor((x) => x.includes('Evidence'));
    expect(finding).toContain('overview › images (Image origins) › IMG-002 Pod apps/nginx [main]');
    expect(finding).toContain('FAIL  IMG-002');
    expect(finding).toContain('image: docker.io/library/nginx:1.0');
    expect(finding).toContain('Remedy');
    expect(finding).toContain('mirror nginx into the private registry');
    expect(finding).toContain('Object');
    expect(finding).toContain('digest: sha256:abc');
    await app.press(KEYS.escape);
    const back = await app.waitFor((x) => x.includes('Registries'));
    expect(back).toMatch(/> ✗ {4}library\/nginx/);
    // A row with two findings opens the list first.
    await app.press('k', KEYS.enter);
    const list = await app.waitFor((x) => x.includes('Findings of docker.io'));
    expect(list).toContain('IMG-003');
    await app.press('j', KEYS.enter);
    const second = await app.waitFor((x) => x.includes('Evidence'));
    expect(second).toContain('WARN  IMG-003');
    expect(second).toContain('overview › images (Image origins) › docker.io public › IMG-003');
    await app.press(KEYS.escape);
    const listAgain = await app.waitFor((x) => x.includes('Findings of docker.io'));
    expect(listAgain).toMatch(/> ! {2}WARN +IMG-003/);
    await app.press(KEYS.escape);
    expect(await app.waitFor((x) => x.includes('Registries'))).toMatch(/> ✗ {2}docker\.io/);
    app.unmount();
  });

  test('a row without findings opens its object', async () => {
    const app = renderApp(fakeSource(ALL_READY, { images: [nginx] }), { views: VIEWS });
    await app.press('1', 'j', 'j', 'j', KEYS.enter);
    const f = await app.waitFor((x) => x.includes('Object'));
    expect(f).toContain('registry: registry.example.internal');
    app.unmount();
  });

  test('overview: enter opens a probe, and a top failure straight to its evidence', async () => {
    const app = renderApp(fakeSource(ALL_READY, { images: [nginx] }), { views: VIEWS });
    await app.waitFor((x) => x.includes('Top failures'));
    await app.press('j', KEYS.enter);
    await app.waitFor((x) => x.includes('overview › nodes (Node region/zone)'));
    await app.press(KEYS.escape);
    await app.press('G', KEYS.enter);
    const f = await app.waitFor((x) => x.includes('Evidence'));
    expect(f).toContain('overview › images: IMG-002 nginx');
    expect(f).toContain('digest: sha256:abc');
    app.unmount();
  });

  test('overview: pods of one workload share a row; enter lists them, then opens one, esc comes back', async () => {
    const daemonSetPod = (name: string, node: string) => ({
      ...fakeFinding('images', 'IMG-002', 'fail', name),
      title:
        'DaemonSet monitoring/node-exporter runs quay.io/prometheus/node-exporter:v1.8.2 from public quay.io',
      subject: { kind: 'Pod', namespace: 'monitoring', name, container: 'main', node },
      evidence: { image: 'quay.io/prometheus/node-exporter:v1.8.2', workload: 'DaemonSet/node-exporter' },
    });
    const pods = ['ne-a', 'ne-b', 'ne-c'].map((n, i) => daemonSetPod(n, `node-${i}`));
    const app = renderApp(fakeSource(ALL_READY, { images: [...pods, busybox] }), { views: VIEWS });
    const overview = await app.waitFor((x) => x.includes('Top failures'));
    expect(overview).toContain('Top failures and warnings (2)');
    expect(overview).toContain('DaemonSet monitoring/node-exporter (3 pods)');
    expect(overview).not.toContain('Pod monitoring/ne-a');
    await app.press('G', 'k', KEYS.enter);
    const list = await app.waitFor((x) => x.includes('Findings of'));
    expect(list).toContain('overview › images: IMG-002 DaemonSet monitoring/node-exporter (3 pods)');
    for (const name of ['ne-a', 'ne-b', 'ne-c']) expect(list).toContain(`Pod monitoring/${name}`);
    await app.press('j', KEYS.enter);
    const detail = await app.waitFor((x) => x.includes('Evidence'));
    expect(detail).toContain('workload: DaemonSet/node-exporter');
    await app.press(KEYS.escape);
    expect(await app.waitFor((x) => x.includes('Findings of'))).toMatch(/> ✗ {2}FAIL +IMG-002 .*ne-b/);
    await app.press(KEYS.escape);
    expect(await app.waitFor((x) => x.includes('Top failures'))).toMatch(
      /> ✗ {2}FAIL +images +IMG-002 +DaemonSet monitoring\/node-exporter \(3 pods\)/,
    );
    app.unmount();
  });

  test('a long subject is cut in the middle, keeping the generated suffix that tells pods apart', async () => {
    const long = fakeFinding('images', 'IMG-002', 'fail', 'a-very-long-deployment-name-7f9c8d6b5-x2x9q');
    const app = renderApp(fakeSource(ALL_READY, { images: [long] }), { views: VIEWS });
    const f = await app.waitFor((x) => x.includes('Top failures'));
    expect(f).toContain('Pod apps/a-very-l…ame-7f9c8d6b5-x2x9q [main]');
    app.unmount();
  });

  test('/ filter: live regex, ! inverts, invalid regex shown not thrown, esc restores', async () => {
    const app = renderApp(fakeSource(ALL_READY, { images: [nginx, busybox, pause] }), { views: VIEWS });
    await app.press('1', '/', 'b', 'u', 's', 'y');
    let f = await app.waitFor((x) => x.includes('filter /busy/'));
    expect(f).toContain('Registries (2 of 5)');
    expect(f).toContain('/busy█');
    expect(f).not.toContain('nginx');
    await app.press(KEYS.enter);
    await app.press(
      '/',
      KEYS.backspace,
      KEYS.backspace,
      KEYS.backspace,
      KEYS.backspace,
      '!',
      'p',
      'a',
      'u',
      's',
      'e',
      KEYS.enter,
    );
    f = await app.waitFor((x) => x.includes('filter /!pause/'));
    expect(f).toContain('Registries (4 of 5)');
    expect(f).not.toContain('tkg/pause');
    await app.press('/', '(');
    f = await app.waitFor((x) => x.includes('invalid regex'));
    expect(f).toContain('invalid regex: /pause(/i: Unterminated group');
    expect(f).toContain('Registries (5)');
    await app.press(KEYS.escape);
    f = await app.waitFor((x) => !x.includes('invalid regex'));
    expect(f).toContain('filter /!pause/');
    expect(f).toContain('Registries (4 of 5)');
    app.unmount();
  });

  test('f cycles the severity filter', async () => {
    const app = renderApp(fakeSource(ALL_READY, { images: [nginx, busybox, pause] }), { views: VIEWS });
    await app.press('1', KEYS.right, 'f');
    let f = await app.waitFor((x) => x.includes('severity warn+fail'));
    expect(f).toContain('Findings (2 of 3)');
    await app.press('f');
    f = await app.waitFor((x) => x.includes('severity fail'));
    expect(f).toContain('Findings (1 of 3)');
    expect(f).not.toContain('IMG-003');
    await app.press('f');
    f = await app.waitFor((x) => x.includes('Findings (3)'));
    app.unmount();
  });

  test('s sorts; ? shows the help overlay and closes', async () => {
    const app = renderApp(fakeSource(ALL_READY, { images: [nginx, busybox, pause] }), { views: VIEWS });
    await app.press('1', 's', 's');
    const f = await app.waitFor((x) => x.includes('sort NAME'));
    // Siblings sorted by name, children stay under their registry.
    expect(f.indexOf('library/busybox')).toBeLessThan(f.indexOf('library/nginx'));
    expect(f.indexOf('docker.io')).toBeLessThan(f.indexOf('library/busybox'));
    await app.press('?');
    const help = await app.waitFor((x) => x.includes('Help: keys on this screen'));
    expect(help).toContain('filter rows (regex; a leading ! inverts)');
    // Taller than the screen, it scrolls (one column, never cut) and says so.
    expect(help).toMatch(/lines 1-\d+ of \d+ {2}↓ more/);
    expect(help).toContain('help: j/k scroll');
    await app.press(KEYS.pageDown);
    expect(await app.waitFor((x) => x.includes('ctrl-s'))).not.toContain('Help: keys on this screen');
    await app.press('?');
    await app.waitFor((x) => x.includes('Registries'));
    app.unmount();
  });

  test('the help lists every : command from the command table, and every mode has its hint bar', async () => {
    const app = renderApp(fakeSource(ALL_READY, {}), { views: VIEWS });
    await app.waitFor((x) => x.includes('Probes'));
    await app.press('?');
    await app.waitFor((x) => x.includes('Help: keys on this screen'));
    let seen = '';
    for (let i = 0; i < 12 && !seen.includes('This help'); i++) {
      seen += await app.waitFor((x) => x.includes('lines '));
      await app.press(KEYS.pageDown);
    }
    for (const text of [
      ':export [FORMAT]',
      ':rerun',
      ':help',
      ':portgroups',
      ':pg',
      ':nodes',
      'Export dialog',
    ])
      expect(seen).toContain(text);
    await app.press(KEYS.escape);
    await app.press(KEYS.ctrlS);
    expect(await app.waitFor((x) => x.includes('Export the current report'))).toContain(
      'export: j/k choose  ⏎ write  1-9 pick  esc cancel',
    );
    await app.press(KEYS.escape);
    await app.press(':');
    expect(await app.waitFor((x) => x.includes('command: ⏎ run'))).toContain('tab complete');
    app.unmount();
  });

  test(': command line with completion; unknown commands say so', async () => {
    const app = renderApp(fakeSource(ALL_READY, {}));
    await app.press(':', 'p');
    let f = await app.waitFor((x) => x.includes(':p█'));
    expect(f).toContain(':portgroups');
    await app.press(KEYS.tab);
    await app.waitFor((x) => x.includes(':portgroups█'));
    await app.press(KEYS.enter);
    await app.waitFor((x) => x.includes('overview › portgroups'));
    await app.press(':', 'n', 'o', 'd', 'e', 's', KEYS.enter);
    await app.waitFor((x) => x.includes('overview › nodes'));
    await app.press(':', 'x', KEYS.enter);
    f = await app.waitFor((x) => x.includes('unknown command'));
    expect(f).toContain('error: unknown command ":x"');
    await app.press('0');
    await app.waitFor((x) => x.includes('Top failures'));
    app.unmount();
  });

  test('tab and shift-tab walk the screens; number keys jump', async () => {
    const app = renderApp(fakeSource(ALL_READY, {}));
    await app.press(KEYS.tab);
    await app.waitFor((x) => x.includes('overview › images'));
    await app.press(KEYS.tab);
    await app.waitFor((x) => x.includes('overview › nodes'));
    await app.press(KEYS.shiftTab, KEYS.shiftTab);
    await app.waitFor((x) => x.includes('Top failures'));
    await app.press('5');
    await app.waitFor((x) => x.includes('overview › containerd'));
    app.unmount();
  });

  test('keys typed in one chunk act in order (tmux send-keys, paste)', async () => {
    const app = renderApp(fakeSource(ALL_READY, { images: [nginx, busybox, pause] }), { views: VIEWS });
    app.stdin.write('1');
    app.stdin.write('/nginx');
    app.stdin.write('\r');
    await tick(50);
    expect(app.frame()).toContain('filter /nginx/');
    app.unmount();
  });

  test('ctrl-s exports the report: choose the format, the file is written and its path shown', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'airgap-top-ui-'));
    try {
      const app = renderApp(fakeSource(ALL_READY, { images: [nginx] }), { exportDir: dir });
      await app.press(KEYS.ctrlS);
      const chooser = await app.waitFor((x) => x.includes('Export the current report'));
      expect(chooser).toContain('airgap-top-report-20261122T120010Z.json');
      await app.press(KEYS.enter);
      const f = await app.waitFor((x) => x.includes('report written to'));
      expect(f).toContain(join(dir, 'airgap-top-report-20261122T120010Z.json'));
      const report = JSON.parse(readFileSync(join(dir, 'airgap-top-report-20261122T120010Z.json'), 'utf8'));
      expect(report.schemaVersion).toBe(1);
      expect(report.probes[0].findings[0].code).toBe('IMG-002');
      // A second export in the same second does not overwrite the first; md by number key.
      await app.press(KEYS.ctrlS, '2');
      await app.waitFor((x) => x.includes('.md'));
      expect(readdirSync(dir).sort()).toEqual([
        'airgap-top-report-20261122T120010Z.json',
        'airgap-top-report-20261122T120010Z.md',
      ]);
      app.unmount();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('r re-runs the probe on screen and says what happened', async () => {
    const src = fakeSource(ALL_READY, {});
    const app = renderApp(src);
    await app.press('5', 'r');
    await app.waitFor((x) => x.includes('re-ran containerd'));
    // On the images screen r asks the registries again too: each container's verdict joins them.
    await app.press('1', 'r');
    await app.waitFor((x) => x.includes('re-ran registry'));
    await app.press('2', 'r');
    await app.waitFor((x) => x.includes('nothing to re-run: nodes is watched live'));
    expect(src.reruns).toEqual(['containerd', 'images', 'registry', 'topology']);
    app.unmount();
  });

  test('q quits through onQuit', async () => {
    let quit = 0;
    const app = renderApp(fakeSource(ALL_READY, {}), { onQuit: () => quit++ });
    await app.press('q');
    // Wait for the quit effect, not for a fixed time (the machine may be busy).
    for (let waited = 0; quit === 0 && waited < 2000; waited += 10) await tick(10);
    await tick(30);
    expect(quit).toBe(1);
  });
});

describe('live and fast', () => {
  test('the cursor stays on the same object when rows move under it', async () => {
    const src = fakeSource(ALL_READY, { images: [busybox, pause] });
    const app = renderApp(src);
    await app.press('1', 'j');
    expect(await app.waitFor((x) => x.includes('Findings (2)'))).toMatch(/> ✓ {2}PASS +IMG-001/);
    // A new failing finding sorts first: the rows move, the cursor stays on IMG-001.
    src.setFindings('images', [nginx, busybox, pause]);
    src.store.set('images', READY({ changed: true }));
    const f = await app.waitFor((x) => x.includes('Findings (3)'));
    expect(f).toMatch(/> ✓ {2}PASS +IMG-001/);
    app.unmount();
  });

  test('a flood of store updates is throttled to a few frames', async () => {
    const src = fakeSource(ALL_READY, {});
    const app = renderApp(src, { throttleMs: 200 });
    await app.waitFor((x) => x.includes('Top failures'));
    let evaluations = 0;
    const results = src.results;
    (src as { results: typeof results }).results = (now) => {
      evaluations++;
      return results(now);
    };
    const start = Date.now();
    for (let i = 0; i < 1000; i++) src.store.set('images', READY({ i }));
    await tick(450);
    const elapsed = Date.now() - start;
    expect(evaluations).toBeGreaterThanOrEqual(1);
    expect(evaluations).toBeLessThanOrEqual(Math.ceil(elapsed / 200) + 1);
    app.unmount();
  });

  test('time moves verdicts on: results are re-read periodically without store changes', async () => {
    const src = fakeSource(ALL_READY, {});
    let calls = 0;
    const results = src.results;
    (src as { results: typeof results }).results = (now) => {
      calls++;
      return results(now);
    };
    const app = renderApp(src, { refreshMs: 100 });
    await app.waitFor((x) => x.includes('Top failures'));
    const before = calls;
    await tick(450);
    expect(calls - before).toBeGreaterThanOrEqual(3);
    app.unmount();
    const after = calls;
    await tick(250);
    expect(calls).toBe(after);
  });

  test('only visible rows are rendered (10,000 rows in a 32-line screen)', async () => {
    const many = Array.from({ length: 10_000 }, (_, i) =>
      fakeFinding('images', 'IMG-002', 'fail', `pod-${String(i).padStart(5, '0')}`),
    );
    const app = renderApp(fakeSource(ALL_READY, { images: many }));
    await app.press('1');
    const f = await app.waitFor((x) => x.includes('Findings (10000)'));
    expect(f.split('\n').length).toBeLessThanOrEqual(32);
    await app.press('G');
    const end = await app.waitFor((x) => x.includes('pod-09999'));
    expect(end).toMatch(/Findings \(10000\) 99\d\d-10000/);
    expect(end).not.toContain('pod-00000');
    app.unmount();
  });

  test('resize: the layout follows the width', async () => {
    const src = fakeSource(ALL_READY, { images: [nginx] });
    const app = renderApp(src, { width: 60 });
    const narrow = await app.waitFor((x) => x.includes('Top failures'));
    for (const line of narrow.split('\n')) expect(line.length).toBeLessThanOrEqual(60);
    app.unmount();
    // 80 columns (a default terminal): every probe tab stays, the sentence column stays readable.
    const app80 = renderApp(src, { width: 80, height: 24 });
    const f = await app80.waitFor((x) => x.includes('Top failures'));
    expect(f).toContain('5 ctrd');
    expect(f).toContain('WORST FINDING');
    expect(f.split('\n').length).toBeLessThanOrEqual(24);
    app80.unmount();
  });

  test('secrets never reach the screen', async () => {
    secrets.add('s3cr3t-registry-password');
    const leaky = fakeFinding('images', 'IMG-005', 'fail', 'auth', {
      evidence: { dockerconfig: 'user:s3cr3t-registry-password', password: 'hunter2-long' },
      detail: 'pull with s3cr3t-registry-password failed',
    });
    const app = renderApp(fakeSource(ALL_READY, { images: [leaky] }));
    await app.press('1', KEYS.enter);
    const f = await app.waitFor((x) => x.includes('Evidence'));
    expect(f).not.toContain('s3cr3t-registry-password');
    expect(f).not.toContain('hunter2-long');
    expect(f).toContain('[redacted]');
    app.unmount();
  });

  test('severity is readable without colour; NO_COLOR turns colour off', async () => {
    expect(colourFromEnv({ NO_COLOR: '1' })).toBe(false);
    expect(colourFromEnv({ NO_COLOR: '' })).toBe(true);
    expect(colourFromEnv({})).toBe(true);
    const app = renderApp(fakeSource(ALL_READY, { images: [nginx, busybox, pause] }));
    await app.press('1');
    const f = await app.waitFor((x) => x.includes('Findings (3)'));
    expect(f).not.toContain('\u001b[3');
    expect(f).toMatch(/✗ {2}FAIL/);
    expect(f).toMatch(/! {2}WARN/);
    expect(f).toMatch(/✓ {2}PASS/);
    app.unmount();
  });
});

test('tables of every probe builder of createViews render without throwing on empty data', async () => {
  const { createViews } = await import('../../src/app/probe-registry.js');
  const app = renderApp(fakeSource(ALL_READY, {}), {
    views: createViews() as Record<string, ViewBuilder> as typeof NO_VIEWS,
  });
  for (const n of ['1', '2', '3', '4', '5']) {
    await app.press(n);
    await tick(10);
  }
  expect(app.frame()).toContain('overview › containerd');
  app.unmount();
});
