import { parseImageRef } from './image-ref.js';
import { isPublicRegistry } from './images/registries.js';

/** What `airgap-top config init` learned from the cluster; every field is what was seen, not judged. */
export interface ClusterFacts {
  readonly context?: string;
  readonly server?: string;
  /** Every image reference of every container as written in the pod specs (repeats allowed). */
  readonly images: readonly string[];
  /** The topology labels of every node. */
  readonly nodeLabels: readonly Readonly<Record<string, string>>[];
  /** Whether the CAPV and IPAM CRDs are served; undefined when it could not be told. */
  readonly capvServed?: boolean;
  readonly ipamServed?: boolean;
  readonly generatedAt: Date;
}

export interface RegistryCandidate {
  /** `host[:port]/first-path-segment`, or the host alone for single-segment names. */
  readonly prefix: string;
  readonly images: number;
  readonly public: boolean;
}

const REGION_LABELS = ['topology.kubernetes.io/region', 'failure-domain.beta.kubernetes.io/region'];
const ZONE_LABELS = ['topology.kubernetes.io/zone', 'failure-domain.beta.kubernetes.io/zone'];

/**
 * Registry prefixes the images come from, private candidates first, then by how many distinct
 * images use them. TKG's private layout is `host/project/...`, so host + first segment is the prefix.
 */
export function registryCandidates(images: readonly string[]): RegistryCandidate[] {
  const byPrefix = new Map<string, Set<string>>();
  for (const image of images) {
    let prefix: string;
    try {
      const ref = parseImageRef(image);
      const first = ref.path.split('/');
      prefix = first.length > 1 ? `${ref.domain}/${first[0]}` : ref.domain;
    } catch {
      continue; // not a reference: the images probe reports it; it suggests no registry
    }
    const set = byPrefix.get(prefix) ?? new Set<string>();
    byPrefix.set(prefix, set);
    set.add(image);
  }
  return [...byPrefix.entries()]
    .map(([prefix, set]) => ({
      prefix,
      images: set.size,
      public: isPublicRegistry(prefix.split('/')[0] ?? ''),
    }))
    .sort(
      (a, b) =>
        Number(a.public) - Number(b.public) || b.images - a.images || a.prefix.localeCompare(b.prefix),
    );
}

function labelValues(nodes: ClusterFacts['nodeLabels'], keys: readonly string[]): string[] {
  const values = new Set<string>();
  for (const labels of nodes) {
    for (const key of keys) {
      const v = labels[key];
      if (v) {
        values.add(v);
        break;
      }
    }
  }
  return [...values].sort();
}

/** TOML strings: basic strings with the escapes TOML defines. */
function tomlString(value: string): string {
  return JSON.stringify(value);
}

/** One line of a comment: cluster strings may hold anything, a newline must not end the comment. */
function commentText(value: string): string {
  let out = '';
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    out += code < 0x20 || code === 0x7f ? ' ' : ch;
  }
  return out;
}

function served(value: boolean | undefined): string {
  return value === undefined ? 'could not be told' : value ? 'served' : 'not served';
}

/** The commented starting config for this cluster. Pure: the command gathers the facts. */
export function renderStartingConfig(facts: ClusterFacts): string {
  const candidates = registryCandidates(facts.images);
  const privateOnes = candidates.filter((c) => !c.public);
  const regions = labelValues(facts.nodeLabels, REGION_LABELS);
  const zones = labelValues(facts.nodeLabels, ZONE_LABELS);
  const out: string[] = [
    `# airgap-top configuration, written by \`airgap-top config init\` at ${facts.generatedAt.toISOString()}`,
    `# from context ${commentText(facts.context ?? '(none)')} (API server ${commentText(facts.server ?? 'unknown')}).`,
    '# A starting point from what the cluster runs now, not a verdict: review every line.',
    '',
    '[registry]',
  ];
  if (candidates.length === 0) out.push('# No pod images were seen.');
  else {
    out.push('# Registries the images come from (distinct images), private candidates first:');
    const width = Math.max(...candidates.map((c) => c.prefix.length));
    for (const c of candidates) {
      out.push(
        `#   ${commentText(c.prefix).padEnd(width)}  ${String(c.images).padStart(4)}  ${c.public ? 'public: a finding unless mirrored' : 'private candidate'}`,
      );
    }
  }
  out.push(
    privateOnes.length > 0
      ? `private = [${privateOnes.map((c) => tomlString(c.prefix)).join(', ')}]`
      : '# private = ["registry.example.internal/tkg"]   # no private candidate seen: name yours',
    '# ca_file = "/etc/ssl/private-registry-ca.pem"',
    '# profile = "tkg"                               # tkg | cse | gdc: turns on product rules',
    '# Presence check: asks each registry (as each node would pull) whether it holds every image.',
    '# check = true                                  # default: on when private is set; --no-registry-check',
    '# concurrency = 8',
    '# timeout_seconds = 10',
    '# recheck_minutes = 15                          # live mode',
    '# credentials_file = "~/.docker/config.json"    # docker config.json; never shown or exported',
    '# [registry.ca_files]                           # per registry, for the central check',
    '# "registry.example.internal:5000" = "/etc/ssl/registry-ca.pem"',
    '',
    '[topology]',
    `# Seen on ${facts.nodeLabels.length} node(s): region ${regions.length ? regions.map(commentText).join(', ') : 'none'}; zones ${zones.length ? zones.map(commentText).join(', ') : 'none'}.`,
  );
  if (regions.length === 1) out.push(`region = ${tomlString(regions[0] as string)}`);
  else out.push('# region = "region-1"');
  if (zones.length > 0) out.push(`zones = [${zones.map(tomlString).join(', ')}]`);
  else out.push('# zones = ["zone-a", "zone-b", "zone-c"]');
  out.push(
    '',
    `# CAPV CRDs (VSphereMachine, VSphereVM): ${served(facts.capvServed)}. IPAM CRDs (IPAddressClaim, pools): ${served(facts.ipamServed)}.`,
    facts.ipamServed
      ? '# The ipam probe runs; tune it here:'
      : '# The ipam probe is not applicable without them.',
    '# [ipam]',
    '# grace_minutes = 10',
    '',
    '# The containerd probe reads /etc/containerd on every node over SFTP. Uncomment to turn it on.',
    '# [ssh]',
    '# user = "capv"                        # the node user TKG creates on vSphere',
    '# identity_file = "~/.ssh/id_rsa"',
    '# known_hosts = "~/.ssh/known_hosts"',
    '# jump_host = "ops@bastion.example.internal:22"',
    '',
    '# The portgroups probe reads vCenter (read-only user). Uncomment to turn it on.',
    '# [vsphere]',
    '# server = "https://vcenter.example.internal/sdk"',
    '# username = "readonly@vsphere.local"',
    '# password_env = "VSPHERE_PASSWORD"   # the NAME of an environment variable, never the password',
    '',
  );
  return out.join('\n');
}
