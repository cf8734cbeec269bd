import type { CheckDefinition } from './types.js';

/**
 * Checks of the registry presence check, codes REG-NNN: what the private registry (or the mirror a
 * node pulls through) answers for an image, asked the way containerd asks. They belong to the images
 * probe, whose per-container verdict they feed. Append only: a code, once released, keeps its meaning
 * forever (test/model/checks.test.ts pins them). 0xx: the registry answered; 1xx: it could not be
 * asked, or its TLS is wrong; 2xx: one container's effective verdict, joining its spec, its pulled
 * imageID, its node's containerd configuration and the registry's answer (images/effective-verdict.ts).
 */
export const registryChecks = {
  'REG-001': {
    probe: 'images',
    title: 'Image present in the registry',
    severity: 'pass',
    description:
      'HEAD /v2/<name>/manifests/<reference> with the Accept set containerd sends answered 200: the manifest (or index) is there, with the digest and media type shown.',
    remedy: 'Nothing to do.',
  },
  'REG-002': {
    probe: 'images',
    title: 'Image absent from the registry',
    severity: 'fail',
    description:
      'The registry answered 404 (MANIFEST_UNKNOWN / NAME_UNKNOWN), or 401 after an anonymous token, which distribution, Harbor and Docker Hub answer both for a repository that does not exist and for one that needs authorization. A running pod may still run from the node cache; the next pull (a node replacement, a new node) fails, or falls back to the internet through a mirror.',
    remedy:
      'Push the image (skopeo copy / imgpkg copy) to the registry under exactly this repository and tag, or fix the reference; if the 401 case applies, make the project public (TKG pulls anonymously) or configure credentials.',
  },
  'REG-003': {
    probe: 'images',
    title: 'Anonymous pull refused',
    severity: 'fail',
    description:
      'The registry asks for credentials (a Basic challenge, or a token server that refuses anonymous tokens). TKG nodes pull anonymously: Harbor projects must be public.',
    remedy:
      'Make the Harbor project public, or configure pull credentials for containerd (hosts.toml/config auth) and give airgap-top a credentials_file to check with.',
  },
  'REG-004': {
    probe: 'images',
    title: 'Registry credentials refused',
    severity: 'fail',
    description:
      'The credentials from the configured credentials file were refused (401 after Basic auth or a token fetched with them). Values are never shown.',
    remedy: 'Renew the robot account / password in the credentials file, and on the nodes that use it.',
  },
  'REG-005': {
    probe: 'images',
    title: 'Pull forbidden (403)',
    severity: 'fail',
    description:
      'The registry knows who asks and refuses the pull (403): a policy, a quota or a blocked artifact (e.g. a vulnerability gate).',
    remedy:
      "Check the project's permissions and policies (Harbor: deployment security, CVE allowlist) for this repository.",
  },
  'REG-006': {
    probe: 'images',
    title: 'Registry digest differs from the pinned digest',
    severity: 'warn',
    description:
      "The reference or the pod's imageID pins a digest, and the registry serves another one for the reference: the tag moved since the pod pulled, or the mirror holds a different build.",
    remedy:
      'Pin workloads by digest, re-push the expected build, or roll the workload so it runs what the registry serves.',
  },
  'REG-007': {
    probe: 'images',
    title: 'Public registry not contacted',
    severity: 'info',
    description:
      'airgap-top never dials a public registry (docker.io, gcr.io, quay.io, …): an endpoint on the internet is judged from the configuration alone.',
    remedy: 'Serve the image from the private registry (mirror it) so presence can be proven.',
  },
  'REG-101': {
    probe: 'images',
    title: "Registry's TLS certificate not trusted",
    severity: 'fail',
    description:
      "The registry's certificate chain does not verify against the CA files given for it (the node's ca / ca_file, or [registry] ca_file): containerd fails the pull with x509: certificate signed by unknown authority. The chain served and the CA files tried are shown.",
    remedy:
      "Give the nodes (hosts.toml `ca`, TKG's registry CA variable) the CA that issued the registry's certificate, or re-issue the certificate from the CA the nodes trust.",
  },
  'REG-102': {
    probe: 'images',
    title: "Registry's TLS certificate expired",
    severity: 'fail',
    description:
      'A certificate the registry serves has passed its notAfter date: every pull fails with an x509 error.',
    remedy: "Renew the registry's certificate (and the CA if it is the one that expired).",
  },
  'REG-103': {
    probe: 'images',
    title: "Registry's TLS certificate expires soon",
    severity: 'warn',
    description: 'A certificate the registry serves expires within 30 days: pulls fail from that date.',
    remedy: "Renew the registry's certificate before it expires.",
  },
  'REG-104': {
    probe: 'images',
    title: "Registry's TLS certificate does not name the host",
    severity: 'fail',
    description:
      'The certificate verifies but none of its subject alternative names matches the host the node dials: containerd fails with x509: certificate is valid for …, not ….',
    remedy:
      'Re-issue the certificate with the host (DNS name or IP) the nodes use as a SAN, or point the nodes at a name it has.',
  },
  'REG-105': {
    probe: 'images',
    title: 'Registry unreachable from airgap-top: presence unverified',
    severity: 'warn',
    description:
      'The connection was refused, timed out, or the name did not resolve, from where airgap-top runs. This does not prove the nodes cannot reach it; presence is unverified.',
    remedy:
      "Run airgap-top where the registry is reachable (the nodes' network), or fix the endpoint (host, port, DNS).",
  },
  'REG-106': {
    probe: 'images',
    title: 'Registry rate-limited the check (429)',
    severity: 'warn',
    description:
      'The registry answered 429 Too Many Requests, past the bounded Retry-After wait: presence unverified for now.',
    remedy: 'Lower [registry] concurrency, raise recheck_minutes, or lift the rate limit for this client.',
  },
  'REG-107': {
    probe: 'images',
    title: 'Registry error (5xx)',
    severity: 'warn',
    description:
      'The registry answered a server error: presence unverified. Nodes pulling now are likely failing too.',
    remedy: "Check the registry's health (storage backend, database, disk) and its logs.",
  },
  'REG-108': {
    probe: 'images',
    title: 'Unexpected registry answer',
    severity: 'warn',
    description:
      'The registry answered a status the distribution API does not use for a manifest check (e.g. 400, 3xx): presence unverified.',
    remedy:
      'Check that the endpoint is a registry v2 API root (path, override_path) and not a proxy or web page.',
  },
  'REG-201': {
    probe: 'images',
    title: 'Image present in the private registry, as the node pulls it',
    severity: 'pass',
    description:
      "The container's image is named on the private registry, and the endpoint its node's containerd asks first (or the registry itself, checked centrally without node data) holds the manifest: the next pull, also after a node replacement, succeeds.",
    remedy: 'Nothing to do.',
  },
  'REG-202': {
    probe: 'images',
    title: 'Public name served by a private mirror that holds it',
    severity: 'pass',
    description:
      "The image keeps its public name (docker.io, gcr.io, …) but the node's containerd pulls it through a mirror in the private registry (hosts.toml or legacy mirrors), and the mirror holds it: via mirror, present. Nothing goes to the internet.",
    remedy: 'Nothing to do.',
  },
  'REG-203': {
    probe: 'images',
    title: 'Mirrored image missing in the mirror',
    severity: 'fail',
    description:
      "The node's containerd pulls this public name through a private mirror, but the mirror does not hold it: containerd silently falls back to the next endpoint, the public registry over the internet (or, with no fallback, the pull fails). The pod may run from the node cache today.",
    remedy:
      'Copy the image into the mirror under the same path (skopeo copy / gcrane), or pin the workload to an image the mirror holds; remove the public fallback from hosts.toml so a miss fails loudly.',
  },
  'REG-204': {
    probe: 'images',
    title: 'Private image missing from the registry',
    severity: 'fail',
    description:
      'The image is named on the private registry, but the registry (as the node asks it) does not hold this tag or digest. A running pod keeps running from the node cache; the next pull — a new node, a node replacement, an evicted image — fails with ErrImagePull.',
    remedy:
      'Push the image (skopeo copy / imgpkg copy) under exactly this repository and tag, or fix the reference in the workload.',
  },
  'REG-205': {
    probe: 'images',
    title: 'Image presence unverified',
    severity: 'warn',
    description:
      "Whether the registry the node pulls from holds the image could not be checked from here (unreachable, rate limited, a registry error, a certificate airgap-top has no CA for, or the check is switched off). The reason is shown; the registry probe's status lists what it could not reach.",
    remedy:
      'Run airgap-top where the registry is reachable, give it the CA ([registry.ca_files]), or turn the check on ([registry] check = true); then re-check (r).',
  },
  'REG-206': {
    probe: 'images',
    title: 'Node does not pull the image from the private registry',
    severity: 'fail',
    description:
      "The node's containerd sends the pull elsewhere first: a mirror outside the private registry (containerd probe CTRD-205), or it cannot pull at all because containerd refuses its registry configuration (CRI plugin disabled).",
    remedy:
      "Point the node's hosts.toml / mirrors at the private registry, or fix the registry configuration containerd rejects (see the containerd probe).",
  },
  'REG-301': {
    probe: 'registry',
    title: 'Registry endpoint answers',
    severity: 'pass',
    description:
      'The endpoint answered every manifest check it was asked (present or absent), over TLS its askers trust: what it holds is proven, image by image (see the images probe for each container).',
    remedy: 'Nothing to do.',
  },
  'REG-302': {
    probe: 'registry',
    title: 'Registry endpoint could not be asked from here',
    severity: 'warn',
    description:
      'Some checks against this endpoint got no usable answer from where airgap-top runs: refused, timed out, a name that does not resolve, 429, 5xx, an unexpected status, or (checked centrally) a certificate airgap-top has no CA for. The images it would serve are unverified, not passed.',
    remedy:
      "Run airgap-top where the nodes' network reaches the registry, give it the CA ([registry.ca_files] / ca_file), or map the name ([registry.connect_to]); then re-check (r).",
  },
  'REG-303': {
    probe: 'registry',
    title: "Registry endpoint's TLS certificate is refused",
    severity: 'fail',
    description:
      "The endpoint's certificate is expired, does not name the host, or does not verify against the CA the node's containerd configuration names (hosts.toml ca): the node's pulls fail the same way.",
    remedy:
      "Renew or re-issue the registry certificate (SANs for every name and IP the nodes dial), or put the issuing CA where the node's hosts.toml points.",
  },
  'REG-304': {
    probe: 'registry',
    title: "Registry endpoint's TLS certificate expires soon",
    severity: 'warn',
    description:
      'The certificate the endpoint serves expires within 30 days. When it does, every node pull from it fails with x509: certificate has expired.',
    remedy:
      'Renew the registry certificate before the date shown and roll it out (registry and, if the CA changes, nodes).',
  },
  'REG-305': {
    probe: 'registry',
    title: 'Registry endpoint refuses the pull',
    severity: 'fail',
    description:
      'The endpoint refused to serve manifests: anonymous pull refused (TKG needs public Harbor projects), the configured credentials refused, or 403 Forbidden. Nodes without those credentials cannot pull from it.',
    remedy:
      'Make the project public (Harbor: project > Configuration > Public), or give the nodes pull credentials (containerd registry auth / imagePullSecrets) and airgap-top the same ([registry] credentials_file).',
  },
  'REG-306': {
    probe: 'registry',
    title: 'Registry in a pull path, never contacted',
    severity: 'info',
    description:
      "A node's pull path for some images reaches a registry airgap-top does not dial: a public one (the default upstream after a mirror, or no mirror at all), or one that neither [registry] private nor [registry.connect_to] names. What happens there is judged from the configuration only.",
    remedy:
      'To make a mirror miss fail loudly instead of reaching for the internet, point hosts.toml `server` at the private registry, or mirror every image. Name a registry in [registry] private to have it asked.',
  },
} as const satisfies Record<string, CheckDefinition>;
