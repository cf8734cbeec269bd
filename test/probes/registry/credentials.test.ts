import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SecretRegistry } from '../../../src/core/redact.js';
import { loadCredentialsFile } from '../../../src/probes/registry/credentials.js';
import { registryClientFor } from '../../../src/probes/registry/sweep.js';
import { tempDir } from '../../helpers/registry.js';

const tmp = tempDir('airgap-registry-creds-');
afterAll(() => tmp.remove());

describe('loadCredentialsFile', () => {
  it('registers every secret before returning the store', async () => {
    const file = join(tmp.dir, 'config.json');
    const auth = Buffer.from('robot:hunter2-hunter2').toString('base64');
    writeFileSync(file, JSON.stringify({ auths: { 'registry.internal:5000': { auth } } }));
    const registry = new SecretRegistry();
    const store = await loadCredentialsFile(file, registry);
    expect(store.get('registry.internal:5000')).toEqual({
      kind: 'basic',
      username: 'robot',
      password: 'hunter2-hunter2',
    });
    expect(registry.redactText(`Authorization: Basic ${auth} (hunter2-hunter2)`)).toBe(
      'Authorization: Basic [redacted] ([redacted])',
    );
  });

  it('says which file is wrong, never what is in it', async () => {
    const file = join(tmp.dir, 'broken.json');
    writeFileSync(file, '{"auths": {"r": {"auth": "c2VjcmV0LXZhbHVl"');
    await expect(loadCredentialsFile(file, new SecretRegistry())).rejects.toThrow(
      /broken\.json is not a docker config\.json/,
    );
    await expect(loadCredentialsFile(join(tmp.dir, 'missing.json'), new SecretRegistry())).rejects.toThrow(
      /ENOENT/,
    );
    await expect(loadCredentialsFile(file, new SecretRegistry())).rejects.not.toThrow(/c2VjcmV0/);
  });
});

describe('registryClientFor', () => {
  it('reads the credentials file from [registry] and registers its secrets first', async () => {
    const file = join(tmp.dir, 'client-config.json');
    writeFileSync(
      file,
      JSON.stringify({ auths: { 'r.internal': { username: 'u', password: 'pw-for-client-test' } } }),
    );
    const registry = new SecretRegistry();
    const client = await registryClientFor(
      { concurrency: 2, timeoutSeconds: 3, credentialsFile: file },
      {},
      registry,
    );
    expect(client).toBeDefined();
    expect(registry.redactText('pw-for-client-test')).toBe('[redacted]');
    await expect(
      registryClientFor(
        { concurrency: 2, timeoutSeconds: 3, credentialsFile: join(tmp.dir, 'nope.json') },
        {},
        registry,
      ),
    ).rejects.toThrow(/cannot read the registry credentials file .*nope\.json \(ENOENT\)/);
  });
});
