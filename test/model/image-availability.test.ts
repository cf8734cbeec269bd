import { describe, expect, it } from 'vitest';
import { availabilityMode, imageAvailability } from '../../src/model/image-availability.js';
import type { ImagesData } from '../../src/model/images/types.js';
import type { EndpointAnswer, PresenceData, PresenceOutcome } from '../../src/model/registry/presence.js';
import { presenceKey } from '../../src/model/registry/presence.js';
import type { RegistryVerdict } from '../../src/model/registry/types.js';
import { imageAvailabilityFamilies } from '../../src/report/image-availability.js';
import { promtoolCheck } from '../report/validators.js';

const answer = (verdict: RegistryVerdict): EndpointAnswer => ({
  url: 'https://registry.example.internal/v2/tkg/app/manifests/1',
  role: 'mirror',
  public: false,
  verdict,
  code: 'REG-000',
});

const outcomes: [PresenceOutcome, string][] = [
  [{ kind: 'present', served: answer({ kind: 'present' }), viaMirror: true }, 'available'],
  [{ kind: 'absent' }, 'absent'],
  [
    { kind: 'fallback-public', host: 'docker.io', url: 'https://registry-1.docker.io/v2/', allAbsent: true },
    'absent',
  ],
  [{ kind: 'public-only', host: 'quay.io', url: 'https://quay.io/v2/' }, 'registry_unavailable'],
  [{ kind: 'refused', by: answer({ kind: 'credentials-refused', status: 401 }) }, 'authentication_failure'],
  [
    { kind: 'refused', by: answer({ kind: 'anonymous-refused', challenge: 'bearer' }) },
    'authentication_failure',
  ],
  [{ kind: 'refused', by: answer({ kind: 'forbidden' }) }, 'authorization_failure'],
  [{ kind: 'refused', by: answer({ kind: 'tls-expired' }) }, 'registry_unavailable'],
  [
    {
      kind: 'unverified',
      reason: 'refused',
      by: answer({ kind: 'unreachable', failure: 'refused', message: 'ECONNREFUSED' }),
    },
    'registry_unavailable',
  ],
  [{ kind: 'unverified', reason: 'not dialable from here' }, 'unknown_error'],
  [{ kind: 'cri-disabled' }, 'unknown_error'],
];

describe('image availability in k8s-image-availability-exporter modes', () => {
  it.each(outcomes)('%j is %s', (outcome, mode) => {
    expect(availabilityMode(outcome)).toBe(mode);
  });

  it('gives one row per controller container and image, unavailable first, bad references without asking', () => {
    const pod = (name: string, node: string, image: string) => ({
      uid: name,
      namespace: 'shop',
      name,
      nodeName: node,
      workload: { kind: 'Deployment', name: 'web' },
      containers: [{ name: 'app', kind: 'container', image }],
    });
    const images = {
      pods: [
        pod('web-1', 'n1', 'registry.example.internal/tkg/app:1'),
        pod('web-2', 'n2', 'registry.example.internal/tkg/app:1'),
        pod('web-3', 'n1', 'registry.example.internal/tkg/gone:2'),
        pod('web-4', 'n1', 'nginx:::'),
        pod('web-5', 'n1', 'registry.example.internal/tkg/unjudged:3'),
      ],
    } as unknown as ImagesData;
    const presence = {
      nodeGroups: {},
      images: {
        [presenceKey('central', 'registry.example.internal/tkg/app:1')]: { outcome: outcomes[0]?.[0] },
        [presenceKey('central', 'registry.example.internal/tkg/gone:2')]: { outcome: { kind: 'absent' } },
      },
    } as unknown as PresenceData;
    const rows = imageAvailability(images, presence);
    expect(rows.map((r) => [r.image, r.mode])).toEqual([
      ['nginx:::', 'bad_image_format'],
      ['registry.example.internal/tkg/gone:2', 'absent'],
      ['registry.example.internal/tkg/app:1', 'available'],
    ]);
    expect(rows[1]).toMatchObject({ namespace: 'shop', kind: 'deployment', name: 'web', container: 'app' });

    const text = `${imageAvailabilityFamilies([{ cluster: 'w1', rows }], 2).join('\n')}\n`;
    expect(promtoolCheck(text)).toEqual({ code: 0, output: '' });
    expect(text).toContain(
      'k8s_image_availability_exporter_absent{cluster="w1",namespace="shop",container="app",image="registry.example.internal/tkg/gone:2",kind="deployment",name="web"} 1',
    );
    expect(text).toContain(
      'k8s_image_availability_exporter_available{cluster="w1",namespace="shop",container="app",image="registry.example.internal/tkg/gone:2",kind="deployment",name="web"} 0',
    );
    // The cap keeps the unavailable ones and counts what it left out.
    expect(text).not.toContain('image="registry.example.internal/tkg/app:1"');
    expect(text).toContain('airgap_top_image_series_omitted{cluster="w1"} 1');
  });
});
