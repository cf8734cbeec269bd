import { IpamAnalyzer } from './ipam/analyze.js';

/**
 * Analyses that a probe's evaluator and its view both read, so the view does not rebuild what the
 * evaluation just built. One set per session (never module-level: sessions must not share state).
 */
export interface SharedAnalysis {
  readonly ipam: IpamAnalyzer;
}

export function createSharedAnalysis(): SharedAnalysis {
  return { ipam: new IpamAnalyzer() };
}
