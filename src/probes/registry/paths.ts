import { homedir } from 'node:os';
import { join } from 'node:path';

/** `~/` in a config path means this user's home (the config keeps it as written, like [ssh] identity_file). */
export function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
}
