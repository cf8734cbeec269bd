import { makeFinding } from '../checks/index.js';
import type { IgnoreRule } from '../config.js';
import type { Evidence, Finding, Subject } from '../finding.js';
import type { Origin } from './origin.js';
import type { ContainerRecord, PodRecord } from './types.js';

/** `[[ignore]]` rules: compiled once per config, applied to a container's findings (IMG-007). */

export interface CompiledIgnore {
  readonly rule: IgnoreRule;
  readonly image?: RegExp;
  readonly codes: ReadonlySet<string>;
}

/** `*` is any run of characters (slashes included); everything else is literal. */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`);
}

export function compileIgnores(rules: readonly IgnoreRule[]): CompiledIgnore[] {
  return rules.map((rule) => ({
    rule,
    image: rule.image !== undefined ? globToRegExp(rule.image) : undefined,
    codes: new Set(rule.codes ?? []),
  }));
}

function ignoreMatches(ig: CompiledIgnore, pod: PodRecord, c: ContainerRecord, origin: Origin): boolean {
  if (ig.rule.namespace !== undefined && ig.rule.namespace !== pod.namespace) return false;
  if (ig.image && !ig.image.test(c.image) && !(origin.normalised && ig.image.test(origin.normalised)))
    return false;
  return true;
}

/**
 * An effective verdict (images/effective-verdict.ts) stands in for the name verdict it replaces: a
 * rule written for `IMG-002` still covers the container, wherever its verdict now comes from.
 */
function coversReplaced(ig: CompiledIgnore, f: Finding): boolean {
  const replaced = f.evidence.replaces;
  return typeof replaced === 'string' && ig.codes.has(replaced);
}

/** Applies the first [[ignore]] rule that covers a non-pass finding: those become one IMG-007. */
export function applyIgnores(
  found: Finding[],
  pod: PodRecord,
  c: ContainerRecord,
  ignores: readonly CompiledIgnore[],
  origin: Origin,
  subject: Subject,
): Finding[] {
  if (ignores.length === 0) return found;
  for (const ig of ignores) {
    if (!ignoreMatches(ig, pod, c, origin)) continue;
    const covered = found.filter(
      (f) => f.severity !== 'pass' && (ig.codes.size === 0 || ig.codes.has(f.code) || coversReplaced(ig, f)),
    );
    if (covered.length === 0) continue;
    const kept = found.filter((f) => !covered.includes(f));
    const codes = covered.map((f) => f.code);
    const where = [
      ig.rule.namespace && `namespace ${ig.rule.namespace}`,
      ig.rule.image && `image ${ig.rule.image}`,
    ]
      .filter(Boolean)
      .join(', ');
    kept.push(
      makeFinding('IMG-007', {
        subject,
        title: `Accepted: ${codes.join(', ')} (${ig.rule.reason})`,
        detail: `[[ignore]] (${where}${ig.codes.size ? `, codes ${[...ig.codes].join(', ')}` : ''}) accepts ${codes.join(', ')} for ${c.image}: ${ig.rule.reason}. Would have been: ${covered.map((f) => `${f.code} ${f.severity}: ${f.title}`).join('; ')}.`,
        evidence: {
          ...(covered[0]?.evidence ?? {}),
          ignoredCodes: codes,
          ignoredSeverities: covered.map((f) => f.severity),
          reason: ig.rule.reason,
          rule: { namespace: ig.rule.namespace ?? null, image: ig.rule.image ?? null, codes: [...ig.codes] },
        } satisfies Evidence,
      }),
    );
    return kept;
  }
  return found;
}
