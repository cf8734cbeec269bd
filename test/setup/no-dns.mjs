// The suite's guard for "never DNS for made-up names": scenario data and fixture configs name
// registries, vCenters and nodes that do not exist. Any lookup of a name other than localhost fails
// at once, as inside an air gap, and no query leaves the machine. Loaded by vitest (setupFiles) and,
// through NODE_OPTIONS, by every airgap-top process the tests start (test/helpers/cli.ts, terminal.ts).
import dns from 'node:dns';

const allowed = (name) =>
  typeof name !== 'string' ||
  name === '' ||
  name === 'localhost' ||
  name.endsWith('.localhost') ||
  /^[\d.]+$/.test(name) ||
  name.includes(':');

function refused(name) {
  const err = new Error(`getaddrinfo ENOTFOUND ${name} (the test suite resolves no made-up names)`);
  err.code = 'ENOTFOUND';
  err.hostname = name;
  return err;
}

const lookup = dns.lookup;
dns.lookup = function guardedLookup(name, options, callback) {
  const cb = typeof options === 'function' ? options : callback;
  if (allowed(name)) return lookup.call(this, name, options, callback);
  process.nextTick(() => cb(refused(name)));
  return {};
};
const promisesLookup = dns.promises.lookup;
dns.promises.lookup = function guardedPromisesLookup(name, options) {
  if (allowed(name)) return promisesLookup.call(this, name, options);
  return Promise.reject(refused(name));
};
