import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/model/config.js';
import { evaluateRegistry } from '../../src/model/registry/evaluate.js';
import {
  judgeAll,
  type PresenceData,
  planPresence,
  type TripleAnswer,
} from '../../src/model/registry/presence.js';
import { probeKey, type TlsInventory } from '../../src/model/registry/types.js';
import { registryView } from '../../src/views/registry.js';

/** The registry screen over one sweep: groups, images problems first, the proof, endpoints with TLS. */
const NOW = new Date('2026-12-01T12:00:00Z');

const TLS: TlsInventory = {
  chain: [
    {
      subject: 'CN=registry.example.internal',
      issuer: 'O=corp, CN=Corp Registry CA',
      sans: ['DNS:registry.example.internal'],
      notBefore: '2026-01-01T00:00:00.000Z',
      notAfter: '2026-12-20T00:00:00.000Z',
      fingerprint256: 'AA',
    },
  ],
  caFiles: ['/etc/ssl/corp-ca.pem'],
  trusted: true,
  skipVerify: false,
  verifiedBy: '/etc/ssl/corp-ca.pem',
};

function sweep(): PresenceData {
  const images = {
    pods: [
      {
        uid: 'u1',
        namespace: 'apps',
        name: 'web',
        workload: { kind: 'Pod', name: 'web' },
        containers: [
          { name: 'a', kind: 'container' as const, image: 'registry.example.internal/tkg/app:1.0' },
          { name: 'b', kind: 'container' as const, image: 'registry.example.internal/tkg/app:2.0' },
          { name: 'c', kind: 'container' as const, image: 'docker.io/library/nginx:1.25' },
        ],
      },
    ],
  };
  const plan = planPresence(images, undefined, { caFiles: {}, dialable: ['registry.example.internal'] });
  const answers = new Map<string, TripleAnswer>();
  for (const p of plan.probes) {
    const present = p.reference === '1.0';
    answers.set(probeKey(p), {
      method: 'HEAD',
      status: present ? 200 : 404,
      answer: present
        ? {
            kind: 'http',
            status: 200,
            method: 'HEAD',
            auth: 'anonymous-token',
            digest: `sha256:${'a'.repeat(64)}`,
          }
        : {
            kind: 'http',
            status: 404,
            method: 'HEAD',
            auth: 'anonymous-token',
            errorCodes: ['MANIFEST_UNKNOWN'],
          },
    });
  }
  // The sweep keys TLS inventories by endpointKey; the screen reads the origin from it.
  const tlsKey = 'https://registry.example.internal?ns=#';
  return {
    configKey: plan.configKey,
    sweptAt: '2026-12-01T11:59:00.000Z',
    durationMs: 12,
    groups: plan.groups,
    nodeGroups: plan.nodeGroups,
    images: judgeAll(plan, answers),
    tls: { [tlsKey]: TLS },
    counts: {
      requests: plan.requests.length,
      triples: plan.triples,
      manifestRequests: 2,
      tokenRequests: 2,
      fromCache: 0,
    },
    unreachable: [],
  };
}

describe('registry screen', () => {
  it('lists each group with its images problems first, the request that proves each, and the endpoints', () => {
    const data = sweep();
    const findings = evaluateRegistry(data, NOW);
    const tables = registryView({
      data,
      state: { status: 'ready', data },
      findings,
      snapshot: {},
      config: DEFAULT_CONFIG,
      now: NOW,
    });
    const [images, endpoints] = tables;
    expect(images?.rows.map((r) => [r.depth, r.cells.image, r.cells.result, r.severity])).toEqual([
      [0, 'central check (no node data)', '1/3 present', 'fail'],
      [1, 'registry.example.internal/tkg/app:2.0', 'MISSING', 'fail'],
      [1, 'docker.io/library/nginx:1.25', 'public (not asked)', 'info'],
      [1, 'registry.example.internal/tkg/app:1.0', 'present', 'pass'],
    ]);
    expect(images?.rows[0]?.cells.how).toBe('1 failing, 1 not asked (public or unlisted)');
    expect(images?.rows[3]?.cells.how).toBe(
      `HEAD https://registry.example.internal/v2/tkg/app/manifests/1.0 200 sha256:${'a'.repeat(64)}`,
    );
    expect(images?.footer).toContain('3 images × groups, 2 (endpoint, repository, reference) triples');
    const row = endpoints?.rows.find((r) => r.cells.endpoint === 'https://registry.example.internal');
    expect(row?.cells.answers).toBe('1 present, 1 absent');
    expect(row?.cells.tls).toBe('CA Corp Registry CA · to 2026-12-20 (18 d) · /etc/ssl/corp-ca.pem');
    // Expiring within 30 days: the endpoint's row carries REG-304's warning.
    expect(findings.map((f) => f.code)).toEqual(expect.arrayContaining(['REG-301', 'REG-304', 'REG-306']));
    expect(row?.severity).toBe('warn');
    expect(endpoints?.rows.find((r) => r.cells.endpoint === 'https://registry-1.docker.io')?.cells.tls).toBe(
      'never contacted',
    );
  });
});
