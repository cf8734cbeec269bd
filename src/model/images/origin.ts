import type { CheckCode } from '../checks/index.js';
import type { Config } from '../config.js';
import {
  type ImageRef,
  ImageRefError,
  matchesPrefix,
  type RegistryPrefix,
  refString,
  tryParseImageRef,
} from '../image-ref.js';
import type { Severity } from '../severity.js';
import { CSE_LAYOUT, hostOnly, isPublicRegistry } from './registries.js';

/**
 * Where an image comes from, judged against the configured private prefixes: the pod-independent
 * verdict on one image string (and on the registry of the digest the node reports).
 */

/** The registry side of the config, prepared once per config (see policy.ts). */
export interface RegistryPolicy {
  readonly privateSpecs: readonly string[];
  readonly prefixes: readonly RegistryPrefix[];
  /** CSE bases, one per prefix (a prefix that already ends in tkg/... has its parent as base). */
  readonly cseBases: readonly RegistryPrefix[];
  readonly profile: Config['registry']['profile'];
}

/** The repository and digest a node reports (status imageID), and whether it is under an allowed prefix. */
export interface Pulled {
  readonly ref: ImageRef;
  readonly digest?: string;
  readonly name: string;
  readonly private: boolean;
}

/** The pod-independent verdict on one image string. */
export interface Origin {
  readonly ref?: ImageRef;
  readonly normalised?: string;
  readonly error?: string;
  readonly code: CheckCode;
  readonly severity?: Severity;
  readonly matchedPrefix?: string;
  readonly expectedLayout?: readonly string[];
}

export function cseBaseOf(prefix: RegistryPrefix): RegistryPrefix {
  const segments = prefix.path === '' ? [] : prefix.path.split('/');
  const last = segments[segments.length - 1];
  if (last !== undefined && (CSE_LAYOUT as readonly string[]).includes(last)) {
    return { domain: prefix.domain, path: segments.slice(0, -1).join('/') };
  }
  return prefix;
}

/** What of Pulled depends on the repository alone. */
export type PulledRepository = Pick<Pulled, 'name' | 'private'>;

export function pulledRepository(ref: ImageRef, prefixes: readonly RegistryPrefix[]): PulledRepository {
  return { name: `${ref.domain}/${ref.path}`, private: prefixes.some((p) => matchesPrefix(ref, p)) };
}

export function classify(image: string, policy: RegistryPolicy): Origin {
  const parsed = tryParseImageRef(image);
  if (parsed instanceof ImageRefError) return { error: parsed.message, code: 'IMG-006' };
  const ref = parsed;
  const normalised = refString(ref);
  const index = policy.prefixes.findIndex((p) => matchesPrefix(ref, p));
  if (index >= 0) {
    const matchedPrefix = policy.privateSpecs[index];
    const base = policy.cseBases[index];
    if (policy.profile === 'cse' && base) {
      const layout = CSE_LAYOUT.map((dir) => ({
        domain: base.domain,
        path: base.path ? `${base.path}/${dir}` : dir,
      }));
      if (!layout.some((p) => matchesPrefix(ref, p))) {
        return {
          ref,
          normalised,
          code: 'IMG-008',
          matchedPrefix,
          expectedLayout: layout.map((p) => `${p.domain}/${p.path}`),
        };
      }
    }
    return { ref, normalised, code: 'IMG-001', matchedPrefix };
  }
  if (policy.profile === 'gdc' && hostOnly(ref.domain) === 'gcr.io')
    return { ref, normalised, code: 'IMG-009' };
  if (isPublicRegistry(ref.domain)) return { ref, normalised, code: 'IMG-002' };
  // Without any private prefix nothing can be proven: one IMG-010 says so; these stay informational.
  return { ref, normalised, code: 'IMG-003', severity: policy.prefixes.length === 0 ? 'info' : undefined };
}
