/** The seeded randomness and value formats every generated object draws from. */
export type Random = () => number;

/** mulberry32: small, fast, good enough for test data. */
export function rng(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BASE_TIME = Date.UTC(2026, 10, 1, 8, 0, 0);

/** An RFC 3339 timestamp `offsetSeconds` after the generated cluster's birth. */
export function ts(offsetSeconds: number): string {
  return `${new Date(BASE_TIME + offsetSeconds * 1000).toISOString().slice(0, 19)}Z`;
}

/** A name suffix as Kubernetes generates them (no vowels, no look-alike digits). */
export function suffix(r: Random, length: number): string {
  const chars = 'bcdfghjklmnpqrstvwxz2456789';
  let s = '';
  for (let i = 0; i < length; i++) s += chars[Math.floor(r() * chars.length)];
  return s;
}

export function hex(r: Random, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += Math.floor(r() * 16).toString(16);
  return s;
}

export function uidFrom(r: Random): string {
  const h = hex(r, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The index-th host address counted from base (.11 on), 250 hosts per /24. */
export function ipOf(base: [number, number, number], index: number): string {
  const host = 10 + index;
  return `${base[0]}.${base[1]}.${base[2] + Math.floor(host / 250)}.${(host % 250) + 1}`;
}
