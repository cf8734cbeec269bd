import { describe, expect, it } from 'vitest';
import type { ContainerRecord, ImagesData, PodRecord } from '../../../src/model/images/types.js';
import { runningImages } from '../../../src/model/readiness/plan.js';

/** The definition runningImages keeps: one key per container, deduplicated by the set. */
function everyKey(images: ImagesData): Set<string> {
  const out = new Set<string>();
  for (const pod of images.pods)
    for (const c of pod.containers)
      out.add(`${pod.namespace}/${pod.workload.kind}/${pod.workload.name}/${c.image}`);
  return out;
}

const container = (image: string): ContainerRecord => ({ name: 'c', kind: 'container', image });

function pod(namespace: string, kind: string, name: string, images: string[], i = 0): PodRecord {
  return {
    uid: `${namespace}-${name}-${i}`,
    namespace,
    name: `${name}-${i}`,
    workload: { kind, name },
    containers: images.map(container),
  };
}

/** A small deterministic generator (the suite never depends on Math.random). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('runningImages', () => {
  it.each([
    ['no data', undefined, []],
    ['one pod', { pods: [pod('a', 'Deployment', 'web', ['r/web:1'])] }, ['a/Deployment/web/r/web:1']],
    [
      'a run of one workload with two images, one repeated',
      {
        pods: [
          pod('a', 'Deployment', 'web', ['r/web:1', 'r/side:1'], 1),
          pod('a', 'Deployment', 'web', ['r/web:1'], 2),
        ],
      },
      ['a/Deployment/web/r/web:1', 'a/Deployment/web/r/side:1'],
    ],
    [
      'the same name in another namespace or of another kind is another workload',
      {
        pods: [
          pod('a', 'Deployment', 'web', ['r/web:1']),
          pod('b', 'Deployment', 'web', ['r/web:1']),
          pod('b', 'StatefulSet', 'web', ['r/web:1']),
        ],
      },
      ['a/Deployment/web/r/web:1', 'b/Deployment/web/r/web:1', 'b/StatefulSet/web/r/web:1'],
    ],
    [
      'a workload whose pods are not next to each other',
      {
        pods: [
          pod('a', 'Deployment', 'web', ['r/web:1'], 1),
          pod('a', 'Job', 'batch', ['r/batch:1']),
          pod('a', 'Deployment', 'web', ['r/web:2'], 2),
        ],
      },
      ['a/Deployment/web/r/web:1', 'a/Job/batch/r/batch:1', 'a/Deployment/web/r/web:2'],
    ],
  ] as const)('%s', (_name, images, keys) => {
    expect([...runningImages(images as ImagesData | undefined)].sort()).toEqual([...keys].sort());
  });

  it('keeps every key of the plain definition, whatever the order and however many images a run has', () => {
    const next = random(7);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T;
    for (let round = 0; round < 50; round++) {
      const pods: PodRecord[] = [];
      for (let i = 0; i < 200; i++) {
        const images = Array.from(
          { length: 1 + Math.floor(next() * 3) },
          () => `r/img-${Math.floor(next() * 20)}`,
        );
        pods.push(pod(pick(['a', 'b']), pick(['Deployment', 'Job']), pick(['web', 'db', 'x']), images, i));
      }
      // Sorted as the probe publishes them, and shuffled: the result is the same set.
      const data = { pods };
      expect(runningImages(data)).toEqual(everyKey(data));
      const sorted = { pods: [...pods].sort((x, y) => (x.workload.name < y.workload.name ? -1 : 1)) };
      expect(runningImages(sorted)).toEqual(everyKey(sorted));
    }
  });
});
