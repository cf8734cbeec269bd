import { CORE_SCHEMA, load } from 'js-yaml';

/**
 * One YAML document, read as the simulator reads scenarios (js-yaml, YAML 1.2 core schema:
 * timestamps stay strings, as the Kubernetes API sends them).
 */
export function parseYaml(text: string): unknown {
  return load(text, { schema: CORE_SCHEMA });
}
