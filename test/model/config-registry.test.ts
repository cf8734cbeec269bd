import { describe, expect, it } from 'vitest';
import { applyFlags } from '../../src/cli/config-file.js';
import { ConfigError, parseConfig } from '../../src/model/config.js';
import {
  centralCaFiles,
  REGISTRY_CHECK_DEFAULTS,
  registryCheckSettings,
} from '../../src/model/registry/settings.js';

/** The [registry] keys of the presence check, their defaults, their errors and --no-registry-check. */
describe('[registry] presence check settings', () => {
  it('reads every key; relative paths are relative to the config file; ~/ stays for the probe', () => {
    const { config, warnings } = parseConfig(
      [
        '[registry]',
        'private = ["registry.example.internal:5000/tkg"]',
        'check = true',
        'concurrency = 4',
        'timeout_seconds = 5',
        'recheck_minutes = 30',
        'credentials_file = "creds/config.json"',
        'ca_file = "/etc/ssl/central.pem"',
        '[registry.ca_files]',
        '"Registry.Example.Internal:5000" = "ca/main.pem"',
        '"10.0.0.5" = "~/ca/ten.pem"',
        '"[fd00::5]:5000" = "/abs/v6.pem"',
        '[registry.connect_to]',
        '"Registry.Example.Internal:5000" = "127.0.0.1:15000"',
        '"mirror.example:443" = "[::1]:8443"',
        '',
      ].join('\n'),
      '/opt/at/airgap-top.toml',
    );
    expect(warnings).toEqual([]);
    expect(registryCheckSettings(config.registry)).toEqual({
      enabled: true,
      concurrency: 4,
      timeoutSeconds: 5,
      recheckMinutes: 30,
      credentialsFile: '/opt/at/creds/config.json',
      caFile: '/etc/ssl/central.pem',
      caFiles: {
        'registry.example.internal:5000': '/opt/at/ca/main.pem',
        '10.0.0.5': '~/ca/ten.pem',
        '[fd00::5]:5000': '/abs/v6.pem',
      },
      // Only these are dialled: the private prefixes' hosts and connect_to's (443 is the default).
      dialable: ['mirror.example', 'registry.example.internal:5000'],
    });
    expect(config.registry.connectTo).toEqual({
      'registry.example.internal:5000': '127.0.0.1:15000',
      'mirror.example:443': '[::1]:8443',
    });
    const settings = registryCheckSettings(config.registry);
    expect(centralCaFiles(settings, 'registry.example.internal:5000')).toEqual(['/opt/at/ca/main.pem']);
    expect(centralCaFiles(settings, 'other.example:443')).toEqual(['/etc/ssl/central.pem']);
  });

  it('check defaults to on exactly when private is set; the other keys to their defaults', () => {
    const on = parseConfig('[registry]\nprivate = ["r.example/x"]\n', 'c.toml').config;
    const off = parseConfig('[topology]\nzones = []\n', 'c.toml').config;
    expect(registryCheckSettings(on.registry)).toEqual({
      enabled: true,
      ...REGISTRY_CHECK_DEFAULTS,
      caFiles: {},
      dialable: ['r.example'],
    });
    expect(registryCheckSettings(off.registry).enabled).toBe(false);
    const explicitOff = parseConfig('[registry]\nprivate = ["r.example/x"]\ncheck = false\n', 'c.toml');
    expect(registryCheckSettings(explicitOff.config.registry).enabled).toBe(false);
    expect(centralCaFiles(registryCheckSettings(on.registry), 'r.example')).toEqual([]);
  });

  it('--no-registry-check wins over check = true; without it the file decides', () => {
    const { config } = parseConfig('[registry]\nprivate = ["r.example/x"]\ncheck = true\n', 'c.toml');
    expect(registryCheckSettings(applyFlags(config, { 'no-registry-check': true }).registry).enabled).toBe(
      false,
    );
    expect(registryCheckSettings(applyFlags(config, {}).registry).enabled).toBe(true);
  });

  it.each([
    ['check not a boolean', 'check = "yes"', 'c.toml:2: registry.check must be true or false'],
    ['concurrency zero', 'concurrency = 0', 'c.toml:2: registry.concurrency must be between 1 and 256'],
    ['concurrency fraction', 'concurrency = 2.5', 'c.toml:2: registry.concurrency must be a whole number'],
    [
      'timeout too long',
      'timeout_seconds = 601',
      'c.toml:2: registry.timeout_seconds must be between 1 and 600',
    ],
    ['recheck zero', 'recheck_minutes = 0', 'c.toml:2: registry.recheck_minutes must be between 1 and 1440'],
    ['credentials file empty', 'credentials_file = ""', 'registry.credentials_file must name a file'],
    ['credentials file a list', 'credentials_file = ["a"]', 'registry.credentials_file must be a string'],
    ['ca_files not a table', 'ca_files = "x.pem"', 'c.toml:2: registry.ca_files must be a table'],
    [
      'ca_files keyed by a URL',
      '[registry.ca_files]\n"https://r.example" = "/ca.pem"',
      'registry.ca_files."https://r.example" must be keyed by a registry host[:port]',
    ],
    [
      'ca_files keyed with a path',
      '[registry.ca_files]\n"r.example/tkg" = "/ca.pem"',
      'must be keyed by a registry host[:port]',
    ],
    [
      'ca_files value not a path',
      '[registry.ca_files]\n"r.example" = 5',
      'registry.ca_files."r.example" must be the path of a CA file (PEM)',
    ],
    [
      'connect_to without a port',
      '[registry.connect_to]\n"r.example" = "127.0.0.1"',
      'registry.connect_to."r.example" must be "address:port", e.g. "127.0.0.1:5000", not a string ("127.0.0.1")',
    ],
    [
      'connect_to keyed by a URL',
      '[registry.connect_to]\n"https://r.example" = "127.0.0.1:5000"',
      'registry.connect_to."https://r.example" must be keyed by a registry host[:port]',
    ],
  ])('%s is one clear line', (_, body, message) => {
    const text = `[registry]\n${body}\n`;
    let error: unknown;
    try {
      parseConfig(text, 'c.toml');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).not.toContain('\n');
  });

  it('credentials in the file are refused without echoing them', () => {
    const text = '[registry]\npassword = "s3cret-value"\n';
    expect(() => parseConfig(text, 'c.toml')).toThrow(/registry must not carry credentials/);
    try {
      parseConfig(text, 'c.toml');
    } catch (err) {
      expect((err as Error).message).not.toContain('s3cret-value');
    }
  });
});
