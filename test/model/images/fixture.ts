import { readFileSync } from 'node:fs';
import { type Config, parseConfig } from '../../../src/model/config.js';
import { imagesDataFromObjects } from '../../../src/model/images/records.js';
import type { ImagesData } from '../../../src/model/images/types.js';
import { parseYaml } from '../../helpers/yaml.js';

const dir = new URL('../../../fixtures/images/', import.meta.url);

/** The objects of fixtures/images/pods.yaml (a kind: List). */
export function fixtureObjects(): { kind?: string; metadata?: Record<string, unknown> }[] {
  const list = parseYaml(readFileSync(new URL('pods.yaml', dir), 'utf8')) as { items: { kind?: string }[] };
  return list.items;
}

export function fixtureData(): ImagesData {
  return imagesDataFromObjects(fixtureObjects());
}

export function fixtureConfig(): Config {
  return parseConfig(readFileSync(new URL('airgap-top.toml', dir), 'utf8'), 'fixtures/images/airgap-top.toml')
    .config;
}
