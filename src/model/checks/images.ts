import type { CheckDefinition } from './types.js';

/**
 * Checks of the images probe, codes IMG-NNN. Append only: a code, once released, keeps its
 * meaning forever (test/model/checks.test.ts pins them).
 */
export const imagesChecks = {
  'IMG-001': {
    probe: 'images',
    title: 'Image from an allowed private registry',
    severity: 'pass',
    description:
      'The container image (normalised the way the kubelet does it) lies under one of the [registry] private prefixes, on whole path segments.',
    remedy: 'Nothing to do.',
  },
  'IMG-002': {
    probe: 'images',
    title: 'Image from a public registry',
    severity: 'fail',
    description:
      'The image names a public registry (docker.io and its aliases, bare names such as nginx, registry.k8s.io, k8s.gcr.io, gcr.io, quay.io, ghcr.io, mcr.microsoft.com, projects.registry.vmware.com, ...). In an air-gapped cluster the pull fails or, worse, leaves through a proxy.',
    remedy:
      'Copy the image into the private registry (e.g. `imgpkg copy` / `crane copy`) and change the workload (or its Helm values / TKG_CUSTOM_IMAGE_REPOSITORY) to the private name.',
  },
  'IMG-003': {
    probe: 'images',
    title: 'Image from a registry that is not listed as private',
    severity: 'fail',
    description:
      'The image names a registry that is neither a known public registry nor under any [registry] private prefix: either another internal registry that the config should list, or an unexpected source.',
    remedy:
      'If the registry is yours and inside the firewall, add it to [registry] private in the config; otherwise move the image to the private registry.',
  },
  'IMG-004': {
    probe: 'images',
    title: 'Pulled digest recorded under a different registry',
    severity: 'warn',
    description:
      'status.containerStatuses[].imageID (the repo digest the runtime reports) names another registry than the pod spec: the node already had this content under another name (a pre-loaded or earlier pull), so the spec does not show where the bits came from.',
    remedy:
      'Check the node (`crictl images --digests`) and remove the public copy (`crictl rmi`), then restart the pod so the image is pulled from the registry the spec names.',
  },
  'IMG-005': {
    probe: 'images',
    title: 'Image pull failing',
    severity: 'fail',
    description:
      'The container waits with ErrImagePull, ImagePullBackOff, ErrImageNeverPull, ImageInspectError, RegistryUnavailable or SignatureValidationFailed: the node cannot get the image. The kubelet message says why.',
    remedy:
      'Read the kubelet message: "not found" = push the image to the private registry; "x509" = install the registry CA on the nodes (containerd hosts.toml / TKG_CUSTOM_IMAGE_REPOSITORY_CA_CERTIFICATE); "i/o timeout" on a public host = the image still points outside.',
  },
  'IMG-006': {
    probe: 'images',
    title: 'Invalid image reference',
    severity: 'fail',
    description:
      'The image string does not follow the distribution/reference grammar ([host[:port]/]path[:tag][@digest], lowercase path): the kubelet rejects it with InvalidImageName.',
    remedy: 'Fix the image string in the workload spec; the detail names the part that is wrong.',
  },
  'IMG-007': {
    probe: 'images',
    title: 'Accepted exception ([[ignore]])',
    severity: 'info',
    description:
      'A [[ignore]] rule in the config (namespace and/or image pattern, optionally limited to codes) matches this container; the finding it would have raised is recorded with the rule reason instead.',
    remedy: 'Review the exception from time to time; remove the [[ignore]] rule once the image is private.',
  },
  'IMG-008': {
    probe: 'images',
    title: 'Outside the Cloud Director CSE registry layout',
    severity: 'warn',
    description:
      'Profile cse: CSE 4.2+ expects TKG images under BASE/tkg, Cloud Director images under BASE/vmware-cloud-director and Tanzu CLI plugins under BASE/tanzu_cli, as siblings under one base. This private image lies elsewhere under the base.',
    remedy:
      'Upload TKG content to BASE/tkg, CSE/VCD images to BASE/vmware-cloud-director and plugins to BASE/tanzu_cli/plugins/plugin-inventory:latest; or accept the exception with [[ignore]] codes = ["IMG-008"] for your own application images.',
  },
  'IMG-009': {
    probe: 'images',
    title: 'gcr.io image depends on the node containerd mirror (GDC)',
    severity: 'warn',
    description:
      'Profile gdc: Google Distributed Cloud keeps gcr.io names and relies on a containerd mirror to the private registry. The name alone proves nothing: if the image is missing in the mirror, containerd silently falls back to gcr.io. The containerd probe (CTRD codes) judges the effective origin per node.',
    remedy:
      'Configure [ssh] so the containerd probe reads each node mirror config, and make sure every gcr.io image exists in the private registry.',
  },
  'IMG-010': {
    probe: 'images',
    title: 'No private registry configured',
    severity: 'fail',
    description:
      'The config has no [registry] private prefixes, so no image can be proven private: only known public registries are flagged, everything else is unverified.',
    remedy:
      'Set the private registry in the config file: [registry] private = ["registry.example.internal/tkg"] (host[:port][/path], one entry per allowed prefix).',
  },
  'IMG-011': {
    probe: 'images',
    title: 'Workload owners or pull events unreadable',
    severity: 'warn',
    description:
      'The probe could not list ReplicaSets, Jobs or Events (most often RBAC: 403 Forbidden). Pods are still judged, but without ReplicaSets/Jobs they name their ReplicaSet or Job instead of the Deployment or CronJob (so [[ignore]] rules and grouping by workload see less), and without Events a failing pull shows only the kubelet waiting message.',
    remedy:
      'Grant list and watch on replicasets.apps, jobs.batch and events to the user (e.g. `kubectl auth can-i list replicasets -A`), or use a kubeconfig that has them.',
  },
  'IMG-012': {
    probe: 'images',
    title: 'Pod could not be read completely',
    severity: 'warn',
    description:
      'Fields of the pod have the wrong type or null entries (e.g. `ownerReferences: [null]`, `containerStatuses: [null]`, `containers: "x"`), as a dump, a mutating webhook or a broken API can serve them. The readable rest of the pod is judged; what was skipped is listed, so it is not mistaken for proven clean.',
    remedy:
      'Look at the object (`kubectl get pod NAME -n NS -o yaml`); find what wrote the malformed field (a webhook, an operator, a hand-edited dump) and fix it there.',
  },
} as const satisfies Record<`IMG-${string}`, CheckDefinition>;
