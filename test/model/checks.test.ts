import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderChecksReference } from '../../src/cli/checks-command.js';
import { containerdChecks } from '../../src/model/checks/containerd.js';
import { imagesChecks } from '../../src/model/checks/images.js';
import { CHECKS, type CheckDefinition } from '../../src/model/checks/index.js';
import { ipamChecks } from '../../src/model/checks/ipam.js';
import { portgroupsChecks } from '../../src/model/checks/portgroups.js';
import { readinessChecks } from '../../src/model/checks/readiness.js';
import { registryChecks } from '../../src/model/checks/registry-presence.js';
import { topologyChecks } from '../../src/model/checks/topology.js';

const root = join(import.meta.dirname, '../..');
/** docs/check-codes.lock: one line per released code, `CODE probe`. Append only. */
const locked = readFileSync(join(root, 'docs/check-codes.lock'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() && !l.startsWith('#'))
  .map((l) => l.trim().split(/\s+/) as [string, string]);

describe('check codes', () => {
  const entries = Object.entries(CHECKS) as [string, CheckDefinition][];

  it('never lose or move a released code', () => {
    for (const [code, probe] of locked) {
      expect(CHECKS, `released code ${code} disappeared`).toHaveProperty(code);
      expect((CHECKS as Record<string, CheckDefinition>)[code]?.probe).toBe(probe);
    }
  });

  it('appear once each in the lock file (two branches appending the same new code collide here)', () => {
    const seen = new Map<string, number>();
    for (const [code] of locked) seen.set(code, (seen.get(code) ?? 0) + 1);
    expect([...seen].filter(([, n]) => n > 1).map(([c]) => c)).toEqual([]);
  });

  it('are defined in one table each: no table silently overrides another one’s code', () => {
    const tables = [
      imagesChecks,
      topologyChecks,
      ipamChecks,
      portgroupsChecks,
      containerdChecks,
      registryChecks,
      readinessChecks,
    ];
    const codes = tables.flatMap((t) => Object.keys(t));
    expect(codes.filter((c, i) => codes.indexOf(c) !== i)).toEqual([]);
    expect(codes.length).toBe(Object.keys(CHECKS).length);
  });

  it('are all in the lock file (append new codes to docs/check-codes.lock)', () => {
    const lockedCodes = new Set(locked.map(([c]) => c));
    expect(entries.map(([c]) => c).filter((c) => !lockedCodes.has(c))).toEqual([]);
  });

  it('follow PREFIX-NNN with the prefix of their probe', () => {
    const prefix = {
      images: 'IMG',
      topology: 'TOPO',
      ipam: 'IPAM',
      portgroups: 'PG',
      containerd: 'CTRD',
      registry: 'REG',
      readiness: 'RDY',
    } as const;
    // The registry presence check (REG) feeds the images probe's per-container verdict.
    const extra: Partial<Record<string, string>> = { images: 'REG' };
    for (const [code, check] of entries) {
      const prefixes = [prefix[check.probe], extra[check.probe]].filter(Boolean).join('|');
      expect(code).toMatch(new RegExp(`^(?:${prefixes})-\\d{3}$`));
      expect(check.title.length).toBeGreaterThan(3);
      expect(check.remedy.length + check.description.length).toBeGreaterThan(10);
    }
  });

  it('are documented: docs/checks.md is generated from the registry (npm run docs:checks)', () => {
    expect(readFileSync(join(root, 'docs/checks.md'), 'utf8')).toBe(renderChecksReference(true));
  });
});
