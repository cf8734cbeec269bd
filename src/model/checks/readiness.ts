import type { CheckDefinition } from './types.js';

/**
 * Checks of the readiness probe, codes RDY-NNN: images the cluster will pull next (pod templates
 * with no pod running that image, CronJobs, Jobs, each node's sandbox image) and images an expect
 * file names, each judged like a running container (images/effective-verdict.ts) as every node
 * group would pull it, worst group wins. 0xx: templates and sandbox images; 1xx: expected images;
 * 2xx: the probe's own inputs. Append only (docs/check-codes.lock).
 */

export const readinessChecks = {
  'RDY-001': {
    probe: 'readiness',
    title: 'Image not running yet is present, as every node group pulls it',
    severity: 'pass',
    description:
      'A pod template with no pod running this image (a Deployment scaled to zero, a pending rollout, a CronJob or Job, an init or ephemeral container) or a node sandbox (pause) image: the private registry, or the private mirror the nodes pull through, holds it.',
    remedy: 'Nothing to do.',
  },
  'RDY-002': {
    probe: 'readiness',
    title: 'Image not running yet is missing from the registry',
    severity: 'fail',
    description:
      'The template (or sandbox) image is named on the private registry or pulled through a private mirror, but the registry does not hold this tag or digest: the pod fails with ErrImagePull when it is created (the CronJob runs, the Deployment scales up, the rollout proceeds, a new node starts its first pod).',
    remedy:
      'Push the image under exactly this repository and tag (skopeo copy / imgpkg copy / tanzu isolated-cluster upload-bundle), or fix the reference in the template.',
  },
  'RDY-003': {
    probe: 'readiness',
    title: 'Image not running yet: presence unverified',
    severity: 'warn',
    description:
      'The registry could not be asked from here (unreachable, rate limited, a server error, a CA airgap-top lacks) or answered another digest: whether the image is there is unproven.',
    remedy: 'Make the registry reachable from where airgap-top runs, or give its CA ([registry.ca_files]).',
  },
  'RDY-004': {
    probe: 'readiness',
    title: 'Image not running yet: the registry refuses the pull',
    severity: 'fail',
    description:
      'The registry refused the request the nodes would make: anonymous pull refused, credentials refused, 403, a TLS certificate the node does not trust, expired or for another name. The pull fails the same way.',
    remedy:
      'See the REG code in the evidence: make the project public (TKG pulls anonymously), fix the certificate or the node CA.',
  },
  'RDY-005': {
    probe: 'readiness',
    title: 'Image not running yet points outside the private registry',
    severity: 'fail',
    description:
      'The template or sandbox image names a public or unlisted registry and no private mirror serves it on the nodes: in an air gap the pull fails; with egress it comes from the internet.',
    remedy: 'Rewrite the image to the private registry (or configure a containerd mirror that holds it).',
  },
  'RDY-006': {
    probe: 'readiness',
    title: 'Invalid image reference in a template',
    severity: 'fail',
    description:
      'The image of a pod template is not a valid reference: every pod created from it fails with InvalidImageName.',
    remedy: 'Fix the image reference in the template.',
  },
  'RDY-101': {
    probe: 'readiness',
    title: 'Expected image present',
    severity: 'pass',
    description:
      'An image an expect file names (publish-images-fromtar.yaml, a BOM, a list, the CSE plugin inventory) is in the private registry, as every node group pulls it.',
    remedy: 'Nothing to do.',
  },
  'RDY-102': {
    probe: 'readiness',
    title: 'Expected image missing',
    severity: 'fail',
    description:
      'An image an expect file names is not in the private registry: the upgrade or install that needs it fails at its first pull. The finding names the file and line it came from and what the registry answered.',
    remedy:
      'Upload it (tanzu isolated-cluster upload-bundle, imgpkg copy, skopeo copy) under exactly this repository and tag, then run the report again.',
  },
  'RDY-103': {
    probe: 'readiness',
    title: 'Expected image: presence unverified',
    severity: 'warn',
    description:
      'The registry could not be asked from here for an expected image (unreachable, rate limited, 5xx, missing CA).',
    remedy: 'Make the registry reachable from where airgap-top runs, or give its CA ([registry.ca_files]).',
  },
  'RDY-104': {
    probe: 'readiness',
    title: 'Expected image: the registry refuses the pull',
    severity: 'fail',
    description:
      'The registry refused the pull of an expected image (anonymous pull refused, credentials refused, 403, TLS the nodes do not trust).',
    remedy: 'See the REG code in the evidence; TKG pulls anonymously, so Harbor projects must be public.',
  },
  'RDY-105': {
    probe: 'readiness',
    title: 'Expected image points outside the private registry',
    severity: 'fail',
    description:
      'An expect file names an image on a public or unlisted registry that no private mirror serves: the cluster would pull it from the internet, which an air gap does not allow.',
    remedy: 'Rebase the list onto the private registry (--expect FILE=REGISTRY/PATH), or mirror the image.',
  },
  'RDY-106': {
    probe: 'readiness',
    title: 'Expected image set: how many are present',
    severity: 'info',
    description:
      'One line per expect file: "412 of 415 expected images present", with the missing ones as findings of their own.',
    remedy: 'Nothing to do when all are present; otherwise see the RDY-102..105 findings of that file.',
  },
  'RDY-201': {
    probe: 'readiness',
    title: 'Workload templates partly unreadable',
    severity: 'warn',
    description:
      'Deployments, StatefulSets, DaemonSets, ReplicaSets, CronJobs or Jobs could not be listed (RBAC, outage): the images they will pull are not judged.',
    remedy:
      'Grant list/watch on that resource (kubectl auth can-i list cronjobs.batch -A), or accept the gap.',
  },
} as const satisfies Record<string, CheckDefinition>;
