import { readFile } from 'node:fs/promises';
import { secrets as processSecrets, type SecretRegistry } from '../../core/redact.js';
import {
  type CredentialStore,
  credentialSecrets,
  parseDockerConfig,
} from '../../model/registry/credentials.js';
import { expandHome } from './paths.js';

/**
 * Reads registry credentials from a docker `config.json` named in the config (`[registry]
 * credentials_file`), and registers every secret in it before anything can print it. Errors name
 * the file, never its content.
 */
export async function loadCredentialsFile(
  path: string,
  registry: SecretRegistry = processSecrets,
): Promise<CredentialStore> {
  let text: string;
  try {
    text = await readFile(expandHome(path), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new Error(`cannot read the registry credentials file ${path} (${code})`);
  }
  let store: CredentialStore;
  try {
    store = parseDockerConfig(text);
  } catch {
    throw new Error(`the registry credentials file ${path} is not a docker config.json (JSON with "auths")`);
  }
  for (const secret of credentialSecrets(store)) registry.add(secret);
  return store;
}
