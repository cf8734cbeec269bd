import stringWidth from 'string-width';

export interface TabItem {
  readonly title: string;
  readonly count: number;
  readonly active: boolean;
}

const label = (t: TabItem): string => (t.active ? `[${t.title} ${t.count}]` : ` ${t.title} ${t.count} `);

/**
 * The tab line of a probe screen in `width` columns. When every tab does not fit, it shows a window
 * of whole tabs around the active one (so the selected tab is always on screen) with ‹ and › saying
 * that more lie to the left or right (←/→ reach them).
 */
export function tabStrip(tabs: readonly TabItem[], width: number): string {
  const labels = tabs.map(label);
  const all = labels.join(' ');
  if (stringWidth(all) <= width) return all;
  const active = Math.max(
    0,
    tabs.findIndex((t) => t.active),
  );
  let from = active;
  let to = active + 1;
  const fits = (a: number, b: number): boolean => {
    const text = labels.slice(a, b).join(' ');
    const marks = (a > 0 ? 2 : 0) + (b < labels.length ? 2 : 0);
    return stringWidth(text) + marks <= width;
  };
  // Grow right first (the next tabs are where ← → go), then left, while whole tabs fit.
  for (let grew = true; grew; ) {
    grew = false;
    if (to < labels.length && fits(from, to + 1)) {
      to += 1;
      grew = true;
    }
    if (from > 0 && fits(from - 1, to)) {
      from -= 1;
      grew = true;
    }
  }
  return `${from > 0 ? '‹ ' : ''}${labels.slice(from, to).join(' ')}${to < labels.length ? ' ›' : ''}`;
}
