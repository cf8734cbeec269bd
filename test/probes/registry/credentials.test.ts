import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SecretRegistry } from '../../../src/core/redact.js';
import { loadCredentialsFile } from '../../../src/probes/registry/credentials.js';
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
