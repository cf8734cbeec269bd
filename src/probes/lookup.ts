import net, { type LookupFunction } from 'node:net';
import type { Resolver } from './types.js';

/**
 * The session's resolver as the `lookup` net.connect and tls.connect take (their all-addresses and
 * single-address forms), so every probe that dials a name asks the injected resolver (tests and the
 * demo never reach DNS for made-up names). No address is ENOTFOUND, as getaddrinfo says it.
 */
export function lookupVia(resolve: Resolver): LookupFunction {
  return ((hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    resolve(hostname).then(
      (addresses) => {
        const first = addresses[0];
        if (first === undefined) {
          const err = new Error(`getaddrinfo ENOTFOUND ${hostname}`) as NodeJS.ErrnoException;
          err.code = 'ENOTFOUND';
          callback(err);
        } else if (options?.all) {
          callback(
            null,
            addresses.map((address) => ({ address, family: net.isIP(address) })),
          );
        } else callback(null, first, net.isIP(first));
      },
      (err: unknown) => callback(err),
    );
  }) as LookupFunction;
}
