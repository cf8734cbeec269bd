import { describe, expect, it } from 'vitest';
import { Faults } from '../../src/sim/faults.js';

describe('Faults: 410 Gone on the next watches', () => {
  it('untargeted: the next N watches, whoever sends them', () => {
    const f = new Faults();
    f.goneOnNextWatch(2);
    expect([f.takeGone('node-fetch/1.0'), f.takeGone('airgap-top/0.1.0'), f.takeGone('x')]).toEqual([
      true,
      true,
      false,
    ]);
  });

  it('targeted by User-Agent prefix: another client does not take it', () => {
    const f = new Faults();
    f.goneOnNextWatch(1, 'airgap-top/');
    expect(f.takeGone('node-fetch/1.0')).toBe(false);
    expect(f.takeGone('airgap-top/0.1.0')).toBe(true);
    expect(f.takeGone('airgap-top/0.1.0')).toBe(false);
  });

  it('clear drops targeted ones too', () => {
    const f = new Faults();
    f.goneOnNextWatch(3, 'airgap-top/');
    f.clear();
    expect(f.takeGone('airgap-top/0.1.0')).toBe(false);
  });
});
