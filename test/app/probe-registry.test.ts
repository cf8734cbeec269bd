import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createEvaluators,
  createViews,
  probeDefinitions,
  probeSources,
} from '../../src/app/probe-registry.js';
import { PROBE_IDS, PROBE_META } from '../../src/model/probe.js';
import { COMMAND_NAMES, parseCommand } from '../../src/ui/state/commands.js';
import { helpSections, hintBar, probeOfCommand, resolveKey } from '../../src/ui/state/keys.js';

const ROOT = join(import.meta.dirname, '../..');

describe('the probe registry', () => {
  it('has one definition per probe, in screen order, each made of that probe’s own parts', () => {
    const defs = probeDefinitions();
    expect(defs.map((d) => d.id)).toEqual([...PROBE_IDS]);
    for (const d of defs) {
      expect(d.source.id).toBe(d.id);
      expect(d.meta).toBe(PROBE_META[d.id]);
    }
    expect(probeSources().map((s) => s.id)).toEqual([...PROBE_IDS]);
    expect(createEvaluators().map((e) => e.probe)).toEqual([...PROBE_IDS]);
    expect(Object.keys(createViews())).toEqual([...PROBE_IDS]);
  });

  it('gives each session fresh evaluators and views (no shared caches)', () => {
    expect(createEvaluators()[0]).not.toBe(createEvaluators()[0]);
    expect(createViews().ipam).not.toBe(createViews().ipam);
  });

  it('declares evaluator inputs that are other probes, never itself', () => {
    for (const e of createEvaluators()) {
      expect(e.inputs).not.toContain(e.probe);
      for (const i of e.inputs) expect(PROBE_IDS).toContain(i);
    }
    expect(createEvaluators().find((e) => e.probe === 'containerd')?.inputs).toEqual(['images']);
  });

  it('is what the report schema lists as probe ids', () => {
    const schema = JSON.parse(readFileSync(join(ROOT, 'schema/report.schema.json'), 'utf8'));
    expect(schema.$defs.probeId.enum).toEqual([...PROBE_IDS]);
  });

  it('drives the number keys, the : commands, completion and help', () => {
    const help = helpSections('overview')
      .flatMap((s) => s.rows)
      .map((e) => `${e.label} ${e.help}`);
    PROBE_IDS.forEach((id, i) => {
      const key = String(i + 1);
      const command = resolveKey('overview', { input: key, key: {} });
      expect(command && probeOfCommand(command)).toBe(id);
      expect(help).toContain(`${key} ${PROBE_META[id].keyHelp}`);
      for (const word of [PROBE_META[id].command, ...PROBE_META[id].aliases, id])
        expect(parseCommand(`:${word}`)).toEqual({ type: 'probe', probe: id });
      expect(COMMAND_NAMES).toContain(PROBE_META[id].command);
    });
    expect(resolveKey('overview', { input: String(PROBE_IDS.length + 1), key: {} })).toBeUndefined();
    expect(hintBar('overview')).toContain(`1-${PROBE_IDS.length} probes`);
  });
});
