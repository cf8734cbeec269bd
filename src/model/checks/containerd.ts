import type { CheckDefinition } from './types.js';

/**
 * Checks of the containerd probe, codes CTRD-NNN. Append only: a code, once released, keeps its
 * meaning forever (test/model/checks.test.ts pins them). 0xx: the node's config; 1xx: reading the
 * node failed; 2xx: effective origin of each container (pods joined with the node's config).
 */
export const containerdChecks = {
  'CTRD-001': {
    probe: 'containerd',
    title: 'Sandbox (pause) image not from the private registry',
    severity: 'fail',
    description:
      "The kubelet has containerd pull the sandbox image (sandbox_image / pinned_images.sandbox) for every pod; no pod spec shows it, so only the node's config tells. containerd's default is registry.k8s.io/pause.",
    remedy:
      'Set sandbox_image (v2: plugins."io.containerd.grpc.v1.cri"; v3: plugins."io.containerd.cri.v1.images".pinned_images.sandbox) to the pause image in the private registry and restart containerd (TKG rewrites it from TKG_CUSTOM_IMAGE_REPOSITORY).',
  },
  'CTRD-002': {
    probe: 'containerd',
    title: 'config_path set together with legacy mirrors or configs.*.tls: CRI image service disabled',
    severity: 'fail',
    description:
      'containerd refuses `mirrors` and `configs.*.tls` when `config_path` is set and then skips the CRI plugin (crictl: unknown service runtime.v1.ImageService): the node cannot pull or run pods. TKG\'s CA overlay appends configs."<host>".tls to node images whose base config already sets config_path.',
    remedy:
      'Move the CA and mirrors to /etc/containerd/certs.d/<host>/hosts.toml (ca = ..., [host."https://mirror"]) and delete the legacy tables; on TKG, set the registry CA through the ClusterClass variables that write hosts.toml, not the legacy overlay.',
  },
  'CTRD-003': {
    probe: 'containerd',
    title: 'TLS verification of a registry is skipped',
    severity: 'warn',
    description:
      'insecure_skip_verify (legacy configs.*.tls) or skip_verify (hosts.toml) makes containerd accept any certificate from that registry: a machine in the path can serve any image.',
    remedy: "Give containerd the registry's CA instead (ca_file / ca) and remove the skip.",
  },
  'CTRD-004': {
    probe: 'containerd',
    title: 'CA file named by the config is missing or unreadable',
    severity: 'fail',
    description:
      'containerd cannot verify the registry without the CA file it is told to use: pulls from that registry fail with an x509 error.',
    remedy:
      'Write the CA to the path the config names (TKG: /etc/containerd/<host>.crt), or fix the path; make it readable.',
  },
  'CTRD-005': {
    probe: 'containerd',
    title: 'CA certificate expired',
    severity: 'fail',
    description: 'A certificate in the CA file has passed its notAfter date: TLS to the registry fails.',
    remedy:
      "Renew the registry's CA and roll it out to every node (or re-issue the registry certificate chain).",
  },
  'CTRD-006': {
    probe: 'containerd',
    title: 'CA certificate expires within 30 days',
    severity: 'warn',
    description: 'A certificate in the CA file expires soon: pulls will fail on that date.',
    remedy:
      'Plan the CA rotation now: distribute the new CA alongside the old one before the old one expires.',
  },
  'CTRD-007': {
    probe: 'containerd',
    title: 'Registry credentials in plain text in the node config',
    severity: 'info',
    description:
      'configs.*.auth, auths or an Authorization header hold credentials readable by anyone with root on the node (values are never shown by airgap-top).',
    remedy:
      'Prefer anonymous pull for node images (TKG requires it) or imagePullSecrets / a kubelet credential provider; if they must stay, keep the file mode 0600.',
  },
  'CTRD-008': {
    probe: 'containerd',
    title: "Node's registry configuration differs from the majority",
    severity: 'warn',
    description:
      'Nodes of one cluster should pull the same way; a node that differs (a hand edit, an older node image, a failed overlay) pulls differently from the rest.',
    remedy:
      'Compare the difference shown and re-apply the cluster-wide config (or replace the node from the current template).',
  },
  'CTRD-009': {
    probe: 'containerd',
    title: 'containerd config file is not valid TOML',
    severity: 'fail',
    description:
      'containerd refuses to start with a malformed config.toml or import: the node runs no new pods.',
    remedy:
      'Fix the file at the line and column shown (crictl info / journalctl -u containerd show the same error).',
  },
  'CTRD-010': {
    probe: 'containerd',
    title: 'A file the containerd config names is missing or unreadable',
    severity: 'fail',
    description:
      'An `imports` entry without a glob that does not exist stops containerd from starting; an unreadable hosts.toml is ignored by containerd.',
    remedy: 'Create the file or remove the reference; check its permissions.',
  },
  'CTRD-011': {
    probe: 'containerd',
    title: 'Registry settings under a plugin name this config version ignores',
    severity: 'warn',
    description:
      'Version 1 reads plugins.cri, version 2 plugins."io.containerd.grpc.v1.cri", version 3 plugins."io.containerd.cri.v1.images"; settings under another name are silently ignored.',
    remedy: "Move the settings under the plugin name of the file's version (or set the right `version`).",
  },
  'CTRD-101': {
    probe: 'containerd',
    title: 'Node unreachable over SSH',
    severity: 'fail',
    description:
      'No SSH connection to the node (refused, no route, or no answer within the connect timeout).',
    remedy:
      'Check the address (override it in [ssh.nodes."NAME"] address/port), firewalls, and whether a jump host is needed ([ssh] jump_host = "user@bastion").',
  },
  'CTRD-102': {
    probe: 'containerd',
    title: 'SSH authentication refused',
    severity: 'fail',
    description: 'The node refused every key offered (identity_file, ssh-agent).',
    remedy:
      'Use the key given at cluster creation (TKG: the capv user with VSPHERE_SSH_AUTHORIZED_KEY): [ssh] identity_file, or load it into ssh-agent; check [ssh] user.',
  },
  'CTRD-103': {
    probe: 'containerd',
    title: 'SSH host key does not match known_hosts',
    severity: 'fail',
    description:
      'The node presented a different host key than known_hosts records: either the node was rebuilt or someone is in the middle. airgap-top did not connect.',
    remedy:
      'Verify the new key out of band (vSphere console: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub), then remove the old entry (ssh-keygen -R HOST) and record the new one.',
  },
  'CTRD-104': {
    probe: 'containerd',
    title: 'SSH host key unknown',
    severity: 'fail',
    description:
      'known_hosts has no key for the node and trust-on-first-use was not asked for: airgap-top did not connect.',
    remedy:
      'Add the key to known_hosts (ssh-keyscan, verified), or run once with --ssh-accept-new to record keys on first use.',
  },
  'CTRD-105': {
    probe: 'containerd',
    title: 'Permission denied reading containerd config',
    severity: 'fail',
    description: 'The SSH user cannot read the containerd files over SFTP.',
    remedy:
      'Use a user that can read /etc/containerd (capv on TKG nodes can), or grant read access to the files.',
  },
  'CTRD-106': {
    probe: 'containerd',
    title: 'containerd config file missing on node',
    severity: 'fail',
    description:
      'The node has no /etc/containerd/config.toml: containerd runs on built-in defaults (public registries, registry.k8s.io pause image).',
    remedy:
      'Write the config the node image should have (image-builder puts one there) and restart containerd.',
  },
  'CTRD-107': {
    probe: 'containerd',
    title: 'Reading node files timed out',
    severity: 'fail',
    description: 'The SSH session was established but reading files did not finish within the read timeout.',
    remedy: 'Check the node load and network; raise [ssh] read_timeout_seconds if the link is slow.',
  },
  'CTRD-108': {
    probe: 'containerd',
    title: 'No SSH address for node',
    severity: 'fail',
    description:
      'The Node object has no InternalIP, ExternalIP or Hostname address and no override is configured.',
    remedy: 'Set [ssh.nodes."NAME"] address = "..." for this node.',
  },
  'CTRD-109': {
    probe: 'containerd',
    title: 'containerd config larger than the read cap',
    severity: 'fail',
    description:
      '/etc/containerd/config.toml is larger than the 1 MiB read cap (or never ends: a link to /dev/zero, a FIFO), so it was not read; containerd configs are a few KiB.',
    remedy:
      'Look at the file on the node (ls -lL /etc/containerd/config.toml): replace a link or a device with the real config.',
  },
  'CTRD-201': {
    probe: 'containerd',
    title: 'Pulled from the private registry',
    severity: 'pass',
    description: "The image names the private registry and the node's containerd pulls it from there.",
    remedy: 'Nothing to do.',
  },
  'CTRD-202': {
    probe: 'containerd',
    title: 'Public name served through a mirror in the private registry',
    severity: 'pass',
    description:
      "The image keeps its public name (e.g. gcr.io/...) but the node's containerd tries a mirror in the private registry first (GDC style).",
    remedy: 'Nothing to do, as long as the mirror holds every image (see the fallback warning on the node).',
  },
  'CTRD-203': {
    probe: 'containerd',
    title: 'Mirror misses fall back to the public registry',
    severity: 'warn',
    description:
      "containerd tries the public upstream after the mirror: an image missing from the mirror is silently pulled from the internet (or the pull fails slowly) unless egress is blocked, as GDC's docs warn.",
    remedy:
      'Block egress from nodes to the public registry, or (hosts.toml) set server = the private registry so there is no public endpoint; mirror every image.',
  },
  'CTRD-204': {
    probe: 'containerd',
    title: 'Public image with no mirror on the node',
    severity: 'fail',
    description:
      "The image names a public registry and the node's containerd has no mirror for it: it pulls from the internet, or fails.",
    remedy:
      'Push the image to the private registry and reference it there, or configure a mirror for that registry on every node (hosts.toml under config_path).',
  },
  'CTRD-205': {
    probe: 'containerd',
    title: "Image's registry is neither private nor mirrored to it",
    severity: 'fail',
    description:
      'The image names a registry that is not in [registry] private, and the node has a mirror for it that is not in the private registry either.',
    remedy:
      'Point the mirror at the private registry, or list that registry in [registry] private if it is yours.',
  },
} as const satisfies Record<`CTRD-${string}`, CheckDefinition>;
