import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chrootBase, chrootUnsafeReason, sshdAvailable } from '../../helpers/sshd.js';

// sshd refuses a ChrootDirectory with a non-root or group/world-writable component; the suite must
// pick a base that works wherever the clone sits (a clone under /tmp included).
const scratch = mkdtempSync(join(tmpdir(), 'airgap-top-chroot-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe.runIf(sshdAvailable())('the sshd chroot base', () => {
  it('calls anything under a world-writable folder unsafe, naming that folder', () => {
    const open = join(scratch, 'open');
    mkdirSync(join(open, 'clone/.cache'), { recursive: true });
    chmodSync(open, 0o777);
    expect(chrootUnsafeReason(join(open, 'clone/.cache'))).toBe(
      `${open} is writable by group or others (mode 777)`,
    );
    expect(chrootUnsafeReason('/usr/share')).toBeUndefined();
  });

  it('skips a clone under a world-writable folder for a root-owned one', () => {
    const open = join(scratch, 'open2');
    mkdirSync(join(open, 'clone'), { recursive: true });
    chmodSync(open, 0o777);
    const chosen = chrootBase([join(open, 'clone/.cache'), '/var/lib/airgap-top-tests']);
    expect(chosen).toBe('/var/lib/airgap-top-tests');
    expect(chrootUnsafeReason(chosen)).toBeUndefined();
  });

  it('says which folders it tried when none can hold chroots', () => {
    const open = join(scratch, 'open3');
    mkdirSync(open, { recursive: true });
    chmodSync(open, 0o777);
    expect(() => chrootBase([join(open, 'a'), join(open, 'b')])).toThrow(
      /no folder can hold sshd chroots[\s\S]*open3\/a: [\s\S]*open3\/b: /,
    );
  });
});
