import { describe, expect, it } from 'vitest';
import {
  cseExpectSet,
  ExpectFileError,
  parseExpectFile,
  tagFromTarName,
} from '../../../src/model/readiness/expect-files.js';

const DEST = { destination: 'registry.airgap.test/tkg' };

describe('publish-images-fromtar.yaml', () => {
  it.each([
    ['cluster-api-mic-v1.8.13_vmware.1.tar', 'cluster-api/mic', 'v1.8.13_vmware.1'],
    ['antrea-advanced-debian-v1.7.2_vmware.3.tar', 'antrea-advanced-debian', 'v1.7.2_vmware.3'],
    ['tkg-compatibility-v12.tar', 'v2.1.0/tkg-compatibility', 'v12'],
    ['tkr-bom-v1.24.9_vmware.1-tkg.1.tar', 'tkr-bom', 'v1.24.9_vmware.1-tkg.1'],
    ['tkg-bom-v2.1.0.tar', 'projects.registry.vmware.com/tkg/tkg-bom', 'v2.1.0'],
    ['other-v1.tar', 'cluster-api/mic', undefined],
  ])('%s under %s carries tag %s', (tar, path, tag) => {
    expect(tagFromTarName(tar, path)).toBe(tag);
  });

  it('rebases every entry on the destination, each with its line', () => {
    const text = [
      '# written by tanzu isolated-cluster download-bundle',
      'cluster-api-mic-v1.8.13_vmware.1.tar: cluster-api/mic',
      '"pause-v3.7.tar": pause',
      'tkr-bom-v1.24.9_vmware.1-tkg.1.tar: tkr-bom',
    ].join('\n');
    const set = parseExpectFile(text, 'pub.yaml', DEST);
    expect(set.format).toBe('publish-images-fromtar');
    expect(set.images).toEqual([
      { image: 'registry.airgap.test/tkg/cluster-api/mic:v1.8.13_vmware.1', file: 'pub.yaml', line: 2 },
      { image: 'registry.airgap.test/tkg/pause:v3.7', file: 'pub.yaml', line: 3 },
      { image: 'registry.airgap.test/tkg/tkr-bom:v1.24.9_vmware.1-tkg.1', file: 'pub.yaml', line: 4 },
    ]);
  });
});

describe('plain lists', () => {
  it('one reference per line, # comments, blank lines', () => {
    const text = '# kubeadm config images list\nregistry.k8s.io/pause:3.9\n\n  127.0.0.1:5000/a/b:1 # ours\n';
    const set = parseExpectFile(text, 'list.txt');
    expect(set.format).toBe('list');
    expect(set.images).toEqual([
      { image: 'registry.k8s.io/pause:3.9', file: 'list.txt', line: 2 },
      { image: '127.0.0.1:5000/a/b:1', file: 'list.txt', line: 4 },
    ]);
  });
});

describe('BOMs', () => {
  const bom = [
    'apiVersion: run.tanzu.vmware.com/v1alpha2', // 1
    'imageConfig:', // 2
    '  imageRepository: projects.registry.vmware.com/tkg', // 3
    'components:', // 4
    '  kubernetes:', // 5
    '    - version: v1.24.9+vmware.1', // 6
    '      images:', // 7
    '        pause:', // 8
    '          imagePath: pause', // 9
    '          tag: "3.7"', // 10
    '        kubeProxy:', // 11
    '          imagePath: kube-proxy', // 12
    '          tag: v1.24.9_vmware.1', // 13
    '  antrea:', // 14
    '    - version: v1.7.2', // 15
    '      images:', // 16
    '        antreaImage:', // 17
    '          imagePath: antrea/antrea-debian', // 18
    '          tag: v1.7.2_vmware.3', // 19
    '          imageRepository: other.example/tkg', // 20
  ].join('\n');

  it('rebases on the destination (the custom image repository), each image with its line', () => {
    const set = parseExpectFile(bom, 'tkr-bom.yaml', DEST);
    expect(set.format).toBe('bom');
    expect(set.images).toEqual([
      { image: 'registry.airgap.test/tkg/pause:3.7', file: 'tkr-bom.yaml', line: 8 },
      { image: 'registry.airgap.test/tkg/kube-proxy:v1.24.9_vmware.1', file: 'tkr-bom.yaml', line: 11 },
      {
        image: 'registry.airgap.test/tkg/antrea/antrea-debian:v1.7.2_vmware.3',
        file: 'tkr-bom.yaml',
        line: 17,
      },
    ]);
  });

  it('without a destination: the BOM own repositories', () => {
    const set = parseExpectFile(bom, 'tkr-bom.yaml');
    expect(set.images.map((i) => i.image)).toEqual([
      'projects.registry.vmware.com/tkg/pause:3.7',
      'projects.registry.vmware.com/tkg/kube-proxy:v1.24.9_vmware.1',
      'other.example/tkg/antrea/antrea-debian:v1.7.2_vmware.3',
    ]);
  });
});

describe('bad input: one line naming the file and line', () => {
  it.each([
    ['not YAML', 'a: b\n  c: [d\n', {}, /^f\.yaml:2: not YAML/],
    ['wrong shape (a list)', '- a\n- b\n', {}, /^f\.yaml:1: expected a publish-images-fromtar\.yaml map/],
    ['a key that is not a TAR', 'x.tar: a\ny: b\n', DEST, /^f\.yaml:2: "y" is not a TAR file name/],
    [
      'a TAR name without the path',
      'x-v1.tar: other\n',
      DEST,
      /^f\.yaml:1: x-v1\.tar: cannot derive the tag/,
    ],
    [
      'a fromtar file without destination',
      'a-v1.tar: a\n',
      {},
      /^f\.yaml:1: a publish-images-fromtar\.yaml names paths/,
    ],
    [
      'an invalid reference in a list',
      'ok/a:1\nBAD//x:1\n',
      {},
      /^f\.yaml:2: invalid image reference "BAD\/\/x:1"/,
    ],
    [
      'a BOM image without a tag',
      'components:\n  k:\n    - images:\n        p:\n          imagePath: p\n',
      DEST,
      /^f\.yaml:4: components\.k\[\]\.images\.p needs imagePath and tag/,
    ],
  ])('%s', (_name, text, options, message) => {
    let error: unknown;
    try {
      parseExpectFile(text, 'f.yaml', options);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ExpectFileError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });
});

describe('CSE', () => {
  it('the plugin inventory beside tkg and vmware-cloud-director under each base', () => {
    const set = cseExpectSet(['harbor.example/cse/tkg', 'harbor.example/cse/vmware-cloud-director']);
    expect(set.images.map((i) => i.image)).toEqual([
      'harbor.example/cse/tanzu_cli/plugins/plugin-inventory:latest',
    ]);
  });
});
