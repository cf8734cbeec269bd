/**
 * A deterministic synthetic TKG-like cluster for scale tests and the bench: nodes over zones,
 * daemonsets on every node, deployments across namespaces, a mix of private, public and failing
 * images, and the CAPI/CAPV/IPAM objects behind every node. Same spec + seed = same objects.
 */
export interface GenerateSpec {
  readonly nodes: number;
  readonly pods: number;
  readonly namespaces: number;
  readonly zones: number;
  /** Share of deployments whose image is public (leaked), 0..1. */
  readonly publicShare: number;
  /** Share of deployments whose image fails to pull, 0..1. */
  readonly failingShare: number;
  /** Generate CAPI Cluster/Machines, VSphereMachines/VMs, claims, addresses and pools. */
  readonly capi: boolean;
  readonly registry: string;
}

export const DEFAULT_GENERATE: GenerateSpec = {
  nodes: 30,
  pods: 500,
  namespaces: 10,
  zones: 3,
  publicShare: 0.05,
  failingShare: 0.02,
  capi: true,
  registry: 'registry.example.internal/tkg',
};

/** "nodes=300,pods=10000,namespaces=40,zones=3,public=0.05,failing=0.01,capi=true,registry=host/path" */
export function parseGenerateSpec(text: string): GenerateSpec {
  const spec: { -readonly [K in keyof GenerateSpec]: GenerateSpec[K] } = { ...DEFAULT_GENERATE };
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [rawKey, value = ''] = part.split('=', 2) as [string, string | undefined];
    const key = rawKey.trim();
    const n = Number(value);
    const needInt = (min: number) => {
      if (!Number.isInteger(n) || n < min)
        throw new Error(`--generate: ${key} must be an integer >= ${min} (got "${value}")`);
      return n;
    };
    const needShare = () => {
      if (!(n >= 0 && n <= 1)) throw new Error(`--generate: ${key} must be between 0 and 1 (got "${value}")`);
      return n;
    };
    switch (key) {
      case 'nodes':
        spec.nodes = needInt(1);
        break;
      case 'pods':
        spec.pods = needInt(0);
        break;
      case 'namespaces':
        spec.namespaces = needInt(1);
        break;
      case 'zones':
        spec.zones = needInt(1);
        break;
      case 'public':
        spec.publicShare = needShare();
        break;
      case 'failing':
        spec.failingShare = needShare();
        break;
      case 'capi':
        spec.capi = value !== 'false' && value !== '0';
        break;
      case 'registry':
        spec.registry = value.replace(/\/$/, '');
        break;
      default:
        throw new Error(
          `--generate: unknown key "${key}" (known: nodes, pods, namespaces, zones, public, failing, capi, registry)`,
        );
    }
  }
  return spec;
}
