import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/model/config.js';
import { registryCandidates, renderStartingConfig } from '../../src/model/config-init.js';
import { runCli } from '../helpers/cli.js';
import { type SimulatorHandleExtended, startTestSimulator } from '../helpers/simulator.js';

const ROOT = join(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'airgap-top-config-init-'));
const NOW = new Date('2026-12-01T10:00:00Z');

describe('registry candidates', () => {
  it.each([
    [
      'private first, then by distinct images',
      [
        'nginx',
        'nginx',
        'registry.example.internal/tkg/antrea:v1',
        'registry.example.internal/tkg/pause:3.9',
        'quay.io/prometheus/node-exporter:v1',
        '127.0.0.1:5000/team/app:1',
      ],
      [
        ['registry.example.internal/tkg', 2, false],
        ['127.0.0.1:5000/team', 1, false],
        ['docker.io/library', 1, true],
        ['quay.io/prometheus', 1, true],
      ],
    ],
    ['a single-segment name is its host', ['harbor.local/app:1'], [['harbor.local', 1, false]]],
    ['bad references suggest nothing', ['not an image!', ''], []],
  ])('%s', (_, images, expected) => {
    expect(registryCandidates(images).map((c) => [c.prefix, c.images, c.public])).toEqual(expected);
  });
});

describe('the starting config', () => {
  it('documents the [registry] presence keys; uncommented, they load', () => {
    const text = renderStartingConfig({
      images: ['registry.example.internal/tkg/antrea:v1'],
      nodeLabels: [],
      generatedAt: NOW,
    });
    for (const key of ['check', 'concurrency', 'timeout_seconds', 'recheck_minutes', 'credentials_file']) {
      expect(text).toContain(`# ${key} = `);
    }
    expect(text).toContain('--no-registry-check');
    const start = text.indexOf('# Presence check');
    const end = text.indexOf('[topology]');
    const uncommented = text
      .slice(start, end)
      .split('\n')
      .filter((l) => /^# ["a-z[]/.test(l))
      .map((l) => l.slice(2).replace(/\s+#.*$/, ''))
      .join('\n');
    const { config, warnings } = parseConfig(`[registry]\n${uncommented}\n`, 'init.toml');
    expect(warnings).toEqual([]);
    expect(config.registry).toMatchObject({
      check: true,
      concurrency: 8,
      timeoutSeconds: 10,
      recheckMinutes: 15,
      credentialsFile: '~/.docker/config.json',
      caFiles: { 'registry.example.internal:5000': '/etc/ssl/registry-ca.pem' },
    });
  });

  it('loads, names the private candidates, the region and the zones seen', () => {
    const text = renderStartingConfig({
      context: 'wc-1',
      server: 'https://10.0.0.1:6443',
      images: ['registry.example.internal/tkg/antrea:v1', 'nginx'],
      nodeLabels: [
        { 'topology.kubernetes.io/region': 'region-1', 'topology.kubernetes.io/zone': 'zone-b' },
        {
          'failure-domain.beta.kubernetes.io/region': 'region-1',
          'failure-domain.beta.kubernetes.io/zone': 'zone-a',
        },
        {},
      ],
      capvServed: true,
      ipamServed: false,
      generatedAt: NOW,
    });
    const { config } = parseConfig(text, 'init.toml');
    expect(config.registry.private).toEqual(['registry.example.internal/tkg']);
    expect(config.topology.region).toBe('region-1');
    expect(config.topology.zones).toEqual(['zone-a', 'zone-b']);
    expect(config.ssh).toBeUndefined();
    expect(text).toContain('# [ssh]\n# user = "capv"');
    expect(text).toContain('docker.io/library');
    expect(text).toContain('public: a finding unless mirrored');
    expect(text).toContain('IPAM CRDs (IPAddressClaim, pools): not served');
  });

  it('a context name with a newline cannot end a comment and inject a key', () => {
    const text = renderStartingConfig({
      context: 'x\n[ssh]\nuser = "root"',
      images: [],
      nodeLabels: [],
      generatedAt: NOW,
    });
    expect(parseConfig(text, 'init.toml').config.ssh).toBeUndefined();
  });
});

describe('airgap-top config init against the demo cluster', () => {
  let sim: SimulatorHandleExtended;
  beforeAll(async () => {
    sim = await startTestSimulator(join(ROOT, 'fixtures/demo/scenario'));
  });
  afterAll(async () => {
    await sim?.close();
  });

  it('writes a config that loads, then refuses to overwrite it', async () => {
    const path = join(dir, 'airgap-top.toml');
    const first = await runCli(['config', 'init', '--kubeconfig', sim.kubeconfigPath, '--config', path]);
    expect(first.stderr).toBe(`wrote ${path}\n`);
    expect(first.code).toBe(0);
    const text = readFileSync(path, 'utf8');
    const { config } = parseConfig(text, path);
    expect(config.registry.private[0]).toBe('registry.example.internal/tkg');
    expect(config.topology.zones.length).toBeGreaterThan(0);
    expect(text).toMatch(/IPAM CRDs \(IPAddressClaim, pools\): served/);

    const second = await runCli(['config', 'init', '--kubeconfig', sim.kubeconfigPath, '--config', path]);
    expect(second.code).toBe(2);
    expect(second.stderr).toBe(
      `airgap-top: ${path} exists; config init never overwrites a config (choose another --config FILE)\n`,
    );
    expect(readFileSync(path, 'utf8')).toBe(text);
  });

  it('a file that appeared meanwhile is not clobbered either', async () => {
    const path = join(dir, 'mine.toml');
    writeFileSync(path, '# mine\n');
    const r = await runCli(['config', 'init', '--kubeconfig', sim.kubeconfigPath, '--config', path]);
    expect(r.code).toBe(2);
    expect(readFileSync(path, 'utf8')).toBe('# mine\n');
  });
});
