import { describe, expect, it } from 'vitest';
import { errorMessage } from '../../src/core/errors.js';
import { ConfigError, parseConfig } from '../../src/model/config.js';

const FULL = `
[registry]
private = ["registry.example.internal/tkg/"]
ca_file = "/etc/ssl/private-registry-ca.pem"
profile = "tkg"

[[ignore]]
namespace = "kube-system"
image = "registry.k8s.io/pause*"
reason = "pause image pinned by the kubelet until 1.30"

[topology]
region = "region-1"
zones = ["zone-a", "zone-b", "zone-c"]

[ssh]
user = "capv"
identity_file = "~/.ssh/id_rsa"
known_hosts = "~/.ssh/known_hosts"
jump_host = "ubuntu@bastion.example.internal:22"
concurrency = 16

[ssh.nodes."worker-1"]
address = "10.0.0.5"
port = 2222

[vsphere]
server = "https://vcenter.example.internal/sdk"
username = "readonly@vsphere.local"
password_env = "VSPHERE_PASSWORD"
ca_file = "/etc/ssl/vcenter-ca.pem"
inventory_file = ""
`;

describe('parseConfig', () => {
  it('reads every documented key', () => {
    const { config, warnings } = parseConfig(FULL, 'airgap-top.toml');
    expect(warnings).toEqual([]);
    expect(config.registry).toEqual({
      private: ['registry.example.internal/tkg'],
      caFile: '/etc/ssl/private-registry-ca.pem',
      profile: 'tkg',
    });
    expect(config.ignore).toEqual([
      {
        namespace: 'kube-system',
        image: 'registry.k8s.io/pause*',
        codes: [],
        reason: 'pause image pinned by the kubelet until 1.30',
      },
    ]);
    expect(config.topology).toEqual({ region: 'region-1', zones: ['zone-a', 'zone-b', 'zone-c'] });
    expect(config.ssh?.user).toBe('capv');
    expect(config.ssh?.concurrency).toBe(16);
    expect(config.ssh?.nodes['worker-1']).toEqual({ address: '10.0.0.5', port: 2222, user: undefined });
    expect(config.vsphere?.server).toBe('https://vcenter.example.internal/sdk');
    expect(config.vsphere?.inventoryFile).toBeUndefined();
    expect(config.vsphere?.passwordEnv).toBe('VSPHERE_PASSWORD');
  });

  it('leaves SSH and vSphere off when their sections are absent', () => {
    const { config } = parseConfig('[registry]\nprivate = ["r.example/x"]\n', 'c.toml');
    expect(config.ssh).toBeUndefined();
    expect(config.vsphere).toBeUndefined();
  });

  it.each([
    ['wrong type', '[registry]\nprivate = 5\n', 'c.toml:2: registry.private must be a list of strings'],
    [
      'bad profile',
      '[registry]\nprofile = "eks"\n',
      'c.toml:2: registry.profile must be one of tkg, cse, gdc',
    ],
    [
      'ignore without reason',
      '[[ignore]]\nnamespace = "a"\n',
      'c.toml:1: ignore[0].reason every [[ignore]] needs a reason',
    ],
    ['port out of range', '[ssh]\nport = 70000\n', 'c.toml:2: ssh.port must be between 1 and 65535'],
    [
      'non-integer concurrency',
      '[ssh]\nconcurrency = 1.5\n',
      'c.toml:2: ssh.concurrency must be a whole number',
    ],
    [
      'password in file',
      '[vsphere]\nserver = "https://vc/sdk"\npassword = "hunter22"\n',
      'vsphere.password passwords do not belong',
    ],
    ['vsphere without target', '[vsphere]\nusername = "u"\n', 'vsphere needs either server'],
    ['not TOML', '[registry\nprivate = []\n', 'c.toml:1:'],
    ['section not a table', 'topology = 3\n', 'c.toml:1: topology must be a table'],
    [
      'flap threshold of one',
      '[topology]\nflap_threshold = 1\n',
      'c.toml:2: topology.flap_threshold must be between 2 and 1000',
    ],
    [
      'flap window as text',
      '[topology]\nflap_window_minutes = "15m"\n',
      'c.toml:2: topology.flap_window_minutes must be a whole number',
    ],
    [
      'ipam low free percent over 100',
      '[ipam]\nlow_free_percent = 150\n',
      'c.toml:2: ipam.low_free_percent must be between 0 and 100',
    ],
    [
      'ipam grace as text',
      '[ipam]\ngrace_minutes = "10m"\n',
      'c.toml:2: ipam.grace_minutes must be a whole number',
    ],
  ])('%s gives a ConfigError naming the key and line', (_name, text, expected) => {
    expect(() => parseConfig(text, 'c.toml')).toThrow(ConfigError);
    expect(() => parseConfig(text, 'c.toml')).toThrow(expected);
  });

  it('reads the topology flap settings', () => {
    const { config } = parseConfig(
      '[topology]\nzones = ["zone-a"]\nflap_window_minutes = 30\nflap_threshold = 4\n',
      'c.toml',
    );
    expect(config.topology).toEqual({ zones: ['zone-a'], flapWindowMinutes: 30, flapThreshold: 4 });
  });

  it('reads the ipam thresholds, and warns about unknown ipam keys', () => {
    const { config, warnings } = parseConfig(
      '[ipam]\ngrace_minutes = 30\nlow_free_percent = 20\ngrace = 1\n',
      'c.toml',
    );
    expect(config.ipam).toEqual({ graceMinutes: 30, lowFreePercent: 20 });
    expect(warnings).toEqual([
      'c.toml:4: unknown key ipam.grace (ignored; known here: grace_minutes, low_free_percent)',
    ]);
    expect(parseConfig('', 'c.toml').config.ipam).toBeUndefined();
  });

  it('never echoes a password it refuses', () => {
    try {
      parseConfig('[vsphere]\nserver = "https://vc/sdk"\npassword = "hunter22"\n', 'c.toml');
      expect.unreachable();
    } catch (err) {
      expect(errorMessage(err)).not.toContain('hunter22');
    }
  });

  it('resolves relative [vsphere] inventory_file and ca_file against the config file, keeps absolute ones', () => {
    const { config } = parseConfig(
      '[vsphere]\ninventory_file = "vsphere-inventory.json"\nca_file = "certs/vc.pem"\n',
      '/opt/demo/airgap-top.toml',
    );
    expect(config.vsphere?.inventoryFile).toBe('/opt/demo/vsphere-inventory.json');
    expect(config.vsphere?.caFile).toBe('/opt/demo/certs/vc.pem');
    const abs = parseConfig(
      '[vsphere]\ninventory_file = "/srv/inv.json"\n',
      '/opt/demo/airgap-top.toml',
    ).config;
    expect(abs.vsphere?.inventoryFile).toBe('/srv/inv.json');
  });

  it('reports unknown keys with their line instead of dropping them silently', () => {
    const { warnings } = parseConfig(
      '[registry]\nprivate = []\nprivat = ["x"]\n\n[topology]\nzone = "a"\n',
      'c.toml',
    );
    expect(warnings).toEqual([
      'c.toml:3: unknown key registry.privat (ignored; known here: private, ca_file, profile, check, concurrency, timeout_seconds, recheck_minutes, credentials_file, ca_files, connect_to, expect)',
      'c.toml:6: unknown key topology.zone (ignored; known here: region, zones, flap_window_minutes, flap_threshold)',
    ]);
  });
  it('warns about private prefixes no image can match and ignore codes that do not exist', () => {
    const { config, warnings } = parseConfig(
      '[registry]\nprivate = ["https://registry.example.internal/tkg", "registry.example.internal/TKG", "registry.example.internal/tkg:v1", "10.0.0.5:5000/tkg/"]\n\n[[ignore]]\nnamespace = "kube-system"\ncodes = ["IMG-002", "IMG-999"]\nreason = "r"\n',
      'c.toml',
    );
    expect(config.registry.private).toEqual([
      'https://registry.example.internal/tkg',
      'registry.example.internal/TKG',
      'registry.example.internal/tkg:v1',
      '10.0.0.5:5000/tkg',
    ]);
    expect(warnings).toEqual([
      'c.toml:2: registry.private "https://registry.example.internal/tkg" has a URL scheme; write host[:port][/path] (the scheme is ignored)',
      'c.toml:2: registry.private "registry.example.internal/TKG" has a path no image can have ("TKG": lowercase letters, digits and . _ - separators only)',
      'c.toml:2: registry.private "registry.example.internal/tkg:v1" has a tag or digest; a prefix is host[:port][/path]',
      'c.toml:6: ignore[0].codes names "IMG-999", which is not a check code (see airgap-top checks); the rule never applies to it',
    ]);
  });
});
