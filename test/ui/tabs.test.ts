import { describe, expect, it } from 'vitest';
import { tabStrip } from '../../src/ui/tabs.js';

const TABS = ['Nodes', 'Drift groups', 'Effective origin', 'Credentials', 'Hosts', 'Findings'];
const tabs = (active: number) => TABS.map((title, i) => ({ title, count: 10 + i, active: i === active }));

describe('tabStrip', () => {
  it('shows every tab when they fit', () => {
    expect(tabStrip(tabs(0), 200)).toBe(
      '[Nodes 10]  Drift groups 11   Effective origin 12   Credentials 13   Hosts 14   Findings 15 ',
    );
  });

  it.each([0, 1, 2, 3, 4, 5])(
    'keeps the active tab %i on screen in 40 columns, with arrows for the rest',
    (i) => {
      const line = tabStrip(tabs(i), 40);
      expect(line).toContain(`[${TABS[i]} ${10 + i}]`);
      expect([...line].length).toBeLessThanOrEqual(40);
      expect(line.startsWith('‹ ')).toBe(!line.includes('[Nodes 10]') && !line.includes(' Nodes 10 '));
      expect(line.endsWith(' ›')).toBe(!line.includes('Findings 15'));
    },
  );

  it('the last tab (Findings) selected is visible however narrow', () => {
    expect(tabStrip(tabs(5), 24)).toBe('‹ [Findings 15]');
  });
});
