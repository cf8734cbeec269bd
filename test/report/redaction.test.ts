import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Logger } from '../../src/core/log.js';
import { secrets } from '../../src/core/redact.js';
import { buildReport } from '../../src/model/report.js';
import { diffReports } from '../../src/model/report-diff.js';
import { loadKubeConnection } from '../../src/probes/kube/connection.js';
import { renderDiff } from '../../src/report/diff.js';
import { REPORT_FORMATS, renderReport } from '../../src/report/index.js';
import { parseRecordedReport } from '../../src/report/recorded.js';
import { finding, probeResult, SAMPLE_META } from './sample.js';

const dir = mkdtempSync(join(tmpdir(), 'airgap-top-redact-'));

// Each secret carries characters every format escapes differently, so redaction must run first.
const REGISTRY_PASSWORD = 'regPa55"<w&rd>\\|*_`x';
const REGISTRY_AUTH = Buffer.from(`robot$tkg:${REGISTRY_PASSWORD}`).toString('base64');
const REGISTRY_IDENTITY_TOKEN = 'idt0ken-eyJhbGciOiJSUzI1NiJ9.registry';
const BEARER_TOKEN = 'kubeBearer.t0ken-9f8e7d6c5b4a';
const CLIENT_KEY_PEM = [
  '-----BEGIN EC PRIVATE KEY-----',
  'MHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oveHyOJTMEPfoAoGCCqGSM49',
  'AwEHoUQDQgAE7wZ3H1pYF5mXl2yVqI0Qz1o0p8e1Hc0zDq3nX0d7K8H3wJcJYlqK',
  '-----END EC PRIVATE KEY-----',
].join('\n');
const CLIENT_KEY_DATA = Buffer.from(CLIENT_KEY_PEM).toString('base64');
const VCENTER_PASSWORD = "vcPa55'<w0rd>&1$";
const SSH_KEY = [
  '-----BEGIN OPENSSH PRIVATE KEY-----',
  'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
  'QyNTUxOQAAACDe0uTq8BvPDP2GkfYkZsRyj4r1G3hsC3fFI2rZ7DMpSwAAAJi1c0VhtXNF',
  '-----END OPENSSH PRIVATE KEY-----',
].join('\n');

/** A node's /etc/containerd/config.toml with registry credentials, as the containerd probe reads it. */
const CONTAINERD_CONFIG = `version = 2
[plugins."io.containerd.grpc.v1.cri".registry.configs."registry.example.internal".auth]
  username = "robot$tkg"
  password = "${REGISTRY_PASSWORD.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"
  auth = "${REGISTRY_AUTH}"
  identitytoken = "${REGISTRY_IDENTITY_TOKEN}"
`;

const SECRETS = {
  REGISTRY_PASSWORD,
  REGISTRY_AUTH,
  REGISTRY_IDENTITY_TOKEN,
  BEARER_TOKEN,
  CLIENT_KEY_DATA,
  VCENTER_PASSWORD,
  SSH_KEY,
  SSH_KEY_LINE: SSH_KEY.split('\n')[1] ?? '',
};

/** Every form a secret could take in some output: raw and escaped per format. */
function forms(secret: string): string[] {
  const html = secret
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
  const md = secret.replace(/[\\`*_[\]<>|~&]/g, '\\$&');
  const prom = secret.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
  const parts = [secret, JSON.stringify(secret).slice(1, -1), html, md, prom];
  // A fragment long enough to identify it, in case an escaping differs from the ones above.
  for (const line of secret.split('\n'))
    if (line.length >= 16 && !line.startsWith('-----')) parts.push(line.slice(4, 20));
  if (secret.length >= 12) parts.push(secret.slice(2, 12));
  // The longest letters-and-digits run survives any escaping, however nested.
  const core =
    [...secret.matchAll(/[A-Za-z0-9]+/g)].map((m) => m[0]).sort((a, b) => b.length - a.length)[0] ?? '';
  if (core.length >= 6) parts.push(core);
  return [...new Set(parts)];
}

function expectNoSecret(where: string, text: string) {
  for (const [name, secret] of Object.entries(SECRETS)) {
    for (const form of forms(secret)) {
      if (text.includes(form)) throw new Error(`${where} leaks ${name} (as ${JSON.stringify(form)})`);
    }
  }
}

describe('one redaction mechanism for every output', () => {
  // Registered where they are read: the kubeconfig loader (for real, below), the containerd probe
  // (registry credentials), the vSphere probe (VSPHERE_PASSWORD), the SSH client (identity file).
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
users:
  - name: u
    user: {token: "${BEARER_TOKEN}", client-key-data: "${CLIENT_KEY_DATA}", client-certificate-data: "${Buffer.from('cert').toString('base64')}"}
contexts: [{name: ctx, context: {cluster: c, user: u}}]
current-context: ctx
`,
  );
  loadKubeConnection({ kubeconfig }).close();
  secrets.add(REGISTRY_PASSWORD);
  secrets.add(REGISTRY_AUTH);
  secrets.add(REGISTRY_IDENTITY_TOKEN);
  secrets.add(VCENTER_PASSWORD);
  secrets.add(SSH_KEY);

  const all = Object.values(SECRETS).join(' ');
  const node = { kind: 'Node', name: 'wl-md-0-a' };
  const results = [
    probeResult('images', 'ready', [
      finding(
        'images',
        'IMG-004',
        'fail',
        { kind: 'Pod', namespace: 'ns', name: 'p', container: 'c' },
        {
          detail: `pull failed: 401 with Authorization: Bearer ${BEARER_TOKEN}`,
          evidence: {
            message: `unauthorized ${REGISTRY_AUTH}`,
            request: { headers: { authorization: `Bearer ${BEARER_TOKEN}` } },
          },
        },
      ),
    ]),
    probeResult('containerd', 'ready', [
      finding('containerd', 'CTRD-001', 'fail', node, {
        title: `credentials in ${REGISTRY_PASSWORD}`,
        detail: `config.toml holds ${REGISTRY_IDENTITY_TOKEN}`,
        evidence: {
          config: CONTAINERD_CONFIG,
          auth: { username: 'robot$tkg', password: REGISTRY_PASSWORD, auth: REGISTRY_AUTH },
          lines: CONTAINERD_CONFIG.split('\n'),
        },
        remedy: `rotate ${REGISTRY_PASSWORD}`,
      }),
      finding('containerd', 'CTRD-002', 'warn', node, {
        detail: `ssh identity:\n${SSH_KEY}`,
        evidence: { identity: SSH_KEY, kubeconfigKey: CLIENT_KEY_DATA },
      }),
    ]),
    probeResult(
      'portgroups',
      'error',
      [],
      `vCenter login as readonly@vsphere.local/${VCENTER_PASSWORD} failed`,
    ),
  ];
  const report = buildReport(results, { ...SAMPLE_META, context: `ctx ${BEARER_TOKEN}` });

  it('the planted secrets really are in the report before rendering (the test can fail)', () => {
    const raw = JSON.stringify(report);
    expect(raw).toContain(BEARER_TOKEN);
    expect(raw).toContain(JSON.stringify(REGISTRY_PASSWORD).slice(1, -1));
    expect(all.length).toBeGreaterThan(100);
  });

  it.each(REPORT_FORMATS)('%s shows none of them', (format) => {
    for (const failOn of ['fail', 'warn'] as const) {
      const text = renderReport(format, report, { failOn });
      expectNoSecret(format, text);
      expect(text).toContain(format === 'prom' ? 'airgap_top_findings' : '[redacted]');
    }
  });

  it('the --diff output shows none of them', () => {
    const old = parseRecordedReport(renderReport('json', buildReport([], SAMPLE_META)));
    const text = renderDiff(diffReports(old, report));
    expectNoSecret('diff', text);
    expect(text).toContain('[redacted]');
  });

  it('a --log file shows none of them', () => {
    const path = join(dir, 'airgap-top.log');
    const log = new Logger({ file: path, minLevel: 'debug' });
    for (const [name, secret] of Object.entries(SECRETS)) {
      log.debug(`${name}: ${secret}`);
      log.error(`request failed: ${JSON.stringify({ secret })}`);
    }
    log.info(`containerd config:\n${CONTAINERD_CONFIG}`);
    const text = readFileSync(path, 'utf8');
    expectNoSecret('log', text);
    expect(text.match(/\[redacted\]/g)?.length).toBeGreaterThanOrEqual(16);
    expectNoSecret('log ring', JSON.stringify(log.recent));
  });
});
