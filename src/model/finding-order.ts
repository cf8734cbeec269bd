import { type Finding, subjectKey } from './finding.js';
import { severityRank } from './severity.js';

/**
 * The one order of findings: worst first, then code, then subject. Reports diff cleanly and screens
 * list failures first. `compareFindings` is the definition; the keyed variant below gives exactly
 * the same order for evaluators that sort tens of thousands of findings and patch sorted lists.
 */

/** Worst first, then code, then subject: reports diff cleanly and screens list failures first. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    String(a.code).localeCompare(String(b.code)) ||
    subjectKey(a.subject).localeCompare(subjectKey(b.subject))
  );
}

/**
 * Subject keys of pods are DNS names, container names and slashes. Over that alphabet every character
 * has its own primary collation weight, so localeCompare order is plain lexicographic order on the
 * characters' collation ranks: mapping each character to its rank lets `<` replace localeCompare
 * (several times faster). The ranks come from localeCompare itself, so they follow the runtime's ICU;
 * keys with any other character fall back to localeCompare.
 */
const COLLATION_RANK: Uint16Array = (() => {
  const alphabet = [...'abcdefghijklmnopqrstuvwxyz0123456789-./_:'].sort((a, b) => a.localeCompare(b));
  const table = new Uint16Array(128);
  alphabet.forEach((c, i) => {
    table[c.charCodeAt(0)] = 0x41 + i;
  });
  return table;
})();
/** Longer keys take the localeCompare path (none of a pod's subject keys come close). */
const MAX_COLLATION_KEY = 1024;

/** The key rewritten in collation ranks, or undefined when it has a character outside the alphabet. */
export function collationKey(key: string): string | undefined {
  if (key.length > MAX_COLLATION_KEY) return undefined;
  const ranks = new Uint16Array(key.length);
  for (let i = 0; i < key.length; i++) {
    const code = key.charCodeAt(i);
    const rank = code < 128 ? (COLLATION_RANK[code] ?? 0) : 0;
    if (rank === 0) return undefined;
    ranks[i] = rank;
  }
  // One flat string, not a chain of one-character concatenations.
  return String.fromCharCode.apply(null, ranks as unknown as number[]);
}

/** A finding with its compareFindings sort key computed once. */
export interface KeyedFinding {
  readonly f: Finding;
  readonly rank: number;
  readonly key: string;
  readonly fast: string | undefined;
}

export function keyedFinding(f: Finding): KeyedFinding {
  const key = subjectKey(f.subject);
  return { f, rank: severityRank(f.severity), key, fast: collationKey(key) };
}

/** Exactly compareFindings (severity, code, subject key), on precomputed keys. */
export function compareKeyed(a: KeyedFinding, b: KeyedFinding): number {
  const byRank = b.rank - a.rank;
  if (byRank !== 0) return byRank;
  if (a.f.code !== b.f.code) return a.f.code.localeCompare(b.f.code);
  if (a.fast !== undefined && b.fast !== undefined) return a.fast < b.fast ? -1 : a.fast > b.fast ? 1 : 0;
  return a.key.localeCompare(b.key);
}

/** Inserts into a sorted array at its place (binary search). */
export function insertSorted(sorted: KeyedFinding[], item: KeyedFinding): void {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareKeyed(sorted[mid] as KeyedFinding, item) <= 0) lo = mid + 1;
    else hi = mid;
  }
  sorted.splice(lo, 0, item);
}
