import type { FailOn } from '../model/report.js';

/** What a renderer may know besides the report: only what changes a format's verdict markup. */
export interface RenderOptions {
  /** JUnit and Prometheus mark warnings as failing only with `--fail-on warn`. */
  readonly failOn: FailOn;
  /** Prometheus: a `cluster` label on every sample (serve: which cluster a scrape is about). */
  readonly cluster?: string;
}

export const DEFAULT_RENDER_OPTIONS: RenderOptions = { failOn: 'fail' };
