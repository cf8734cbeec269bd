import { type Finding, subjectKey } from '../finding.js';

interface FindingMeta {
  readonly key: string;
  readonly json: string;
  readonly finding: Finding;
}

/**
 * Hands back last evaluation's Finding object wherever the new one is equal, so screens that cache
 * rows on finding identity (the chain table) redraw only what changed after a watch event.
 * One instance per evaluator: "last evaluation" is that evaluator's, never another session's.
 */
export class FindingStabilizer {
  private previousByKey = new Map<string, FindingMeta>();
  private readonly metaOf = new WeakMap<Finding, FindingMeta>();

  stabilize(findings: Finding[]): Finding[] {
    const next = new Map<string, FindingMeta>();
    const out = findings.map((finding) => {
      const known = this.metaOf.get(finding);
      if (known) {
        next.set(known.key, known); // seen before (a memo hands back its objects): nothing to compare
        return known.finding;
      }
      const key = `${finding.code}|${subjectKey(finding.subject)}`;
      const json = JSON.stringify(finding);
      const previous = this.previousByKey.get(key);
      if (previous && previous.json === json) {
        this.metaOf.set(finding, previous);
        next.set(key, previous);
        return previous.finding;
      }
      const meta = { key, json, finding };
      this.metaOf.set(finding, meta);
      next.set(key, meta);
      return finding;
    });
    this.previousByKey = next;
    return out;
  }
}
