import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Writes through a temporary file and a rename: an interrupted run never leaves half a report. */
export function writeFileAtomic(path: string, content: string): void {
  const temp = join(dirname(path), `.${process.pid}.${Date.now()}.airgap-top.tmp`);
  try {
    writeFileSync(temp, content, { mode: 0o644 });
    renameSync(temp, path);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
}
