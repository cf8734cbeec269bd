import { makeFinding } from '../checks/index.js';
import type { Config } from '../config.js';
import { type KeyedFinding, keyedFinding } from '../finding-order.js';
import { ImageIdReader, parseRegistryPrefix } from '../image-ref.js';
import {
  classify,
  cseBaseOf,
  type Origin,
  type Pulled,
  type PulledRepository,
  pulledRepository,
  type RegistryPolicy,
} from './origin.js';
import { type CompiledIgnore, compileIgnores } from './rules.js';

/** What the config says, prepared once per config object (an images checker keeps one). */
export interface Policy extends RegistryPolicy {
  /** The allowed prefixes as one phrase, for details. */
  readonly allowedLabel: string;
  readonly ignores: readonly CompiledIgnore[];
  /** Per image string: parsed reference and origin verdict (the same image recurs across many pods). */
  readonly origins: Map<string, Origin>;
  /** Reads each container's imageID (each repository name parsed once). */
  readonly imageIds: ImageIdReader;
  /**
   * Per repository an imageID names: its name and whether it is under an allowed prefix. Keyed by
   * repository, not imageID: every container's imageID is its own string, and 10,000 pods' evidence
   * then shares a few hundred names.
   */
  readonly pulledRepositories: Map<string, PulledRepository>;
  /** IMG-010 when no private prefix is configured: one per config. */
  readonly configFinding: KeyedFinding | undefined;
}

/** A runaway number of distinct images (generated names) must not grow memory without bound. */
const MAX_REMEMBERED = 50_000;

export function compilePolicy(config: Config): Policy {
  const prefixes = config.registry.private.map(parseRegistryPrefix);
  return {
    privateSpecs: config.registry.private,
    allowedLabel:
      config.registry.private.length > 0 ? config.registry.private.join(', ') : '(none configured)',
    prefixes,
    cseBases: prefixes.map(cseBaseOf),
    profile: config.registry.profile,
    ignores: compileIgnores(config.ignore),
    origins: new Map(),
    imageIds: new ImageIdReader(),
    pulledRepositories: new Map(),
    configFinding:
      prefixes.length === 0
        ? keyedFinding(
            makeFinding('IMG-010', {
              subject: { kind: 'Config', name: 'registry.private' },
              detail: `${config.source} sets no [registry] private prefixes, so no image can be proven private; only known public registries are flagged. Set e.g. [registry] private = ["registry.example.internal/tkg"].`,
              evidence: { configSource: config.source, private: [] },
            }),
          )
        : undefined,
  };
}

export function originOf(image: string, policy: Policy): Origin {
  const cached = policy.origins.get(image);
  if (cached) return cached;
  const origin = classify(image, policy);
  if (policy.origins.size > MAX_REMEMBERED) policy.origins.clear();
  policy.origins.set(image, origin);
  return origin;
}

export function pulledOf(imageID: string | undefined, policy: Policy): Pulled | undefined {
  if (!imageID) return undefined;
  const ref = policy.imageIds.read(imageID)?.ref;
  if (!ref) return undefined;
  const name = `${ref.domain}/${ref.path}`;
  let repository = policy.pulledRepositories.get(name);
  if (!repository) {
    repository = pulledRepository(ref, policy.prefixes);
    if (policy.pulledRepositories.size > MAX_REMEMBERED) policy.pulledRepositories.clear();
    policy.pulledRepositories.set(repository.name, repository);
  }
  return { ref, digest: ref.digest, name: repository.name, private: repository.private };
}
