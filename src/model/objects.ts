/**
 * `{ ...base, ...fields }` for objects made by the thousand (pod records, finding evidence, pull
 * plans), built so that they share one hidden class. On Node 20 (V8 11.3) an object literal that
 * starts with a spread and has anything after it gets a hidden class of its own once the code is
 * optimised: ~300 bytes of map per object (10,000 pod records held 2.7 MB of them, 11,000 evidence
 * objects 4.6 MB) and ~3x the time to build. Object.assign onto a fresh object follows V8's shared
 * transitions instead. Same own enumerable properties in the same order, for objects of our own
 * making (a `__proto__` key would set the prototype rather than copy: never use it on parsed input).
 */
export function extend<T extends object, U extends object>(base: T, fields: U): Omit<T, keyof U> & U {
  return Object.assign({}, base, fields);
}

/**
 * One copy of each equal string, for values repeated across thousands of records: JSON.parse gives
 * every pod its own copy of its image reference and digest, so the pod records of a 10,000-pod
 * cluster held tens of thousands of copies of far fewer values, for as long as a live session
 * keeps them (a report's peak is mostly its findings, which this does not touch). Returns an equal
 * string, so callers behave the same. Bounded: past `limit` distinct values it starts afresh, so a
 * stream of unique values (churn) keeps at most `limit` of them.
 */
export function stringInterner(limit = 65_536): (value: string) => string {
  let seen = new Map<string, string>();
  return (value) => {
    const known = seen.get(value);
    if (known !== undefined) return known;
    if (seen.size >= limit) seen = new Map();
    seen.set(value, value);
    return value;
  };
}

/**
 * The array at its own length. An array built by push holds 17 slots after its first push (V8's
 * growth step); records kept for a session's life (10,000 pods' container lists, their findings,
 * the presence answers) would carry ~130 bytes of slack each, several MB at 10k pods.
 */
export function atLength<T>(items: T[]): T[] {
  return items.slice();
}
