#!/usr/bin/env bash
# Collects a support bundle for `airgap-top report --from-dump DIR`, on a machine that can reach the
# cluster (kubectl) and, optionally, its nodes (ssh) and vCenter (govc). Read-only on the cluster.
#
#   scripts/collect-dump.sh [-o DIR] [--context NAME] [--ssh-user USER] [-i KEY] [-J JUMP] [--no-ssh] [--govc]
#
# Bundle layout:
#   DIR/cluster.json                       {"context", "server", "collectedAt"} of the source cluster
#   DIR/kube/<resource>.yaml               kubectl get <resource> -A -o yaml (kind: List), CRDs included
#   DIR/nodes/<node>/etc/containerd/...    each node's containerd config (config.toml, conf.d, certs.d)
#   DIR/vsphere/inventory.json             with --govc: portgroups and their ports, as govc prints them
#
# Never collected: Secrets, ConfigMaps, private keys (certs.d/*.key). Registry credentials in the
# nodes' TOML files (password, auth, identitytoken, token) are replaced by "[redacted]" before they
# leave the node; a check that credentials are present still sees the key. Pod specs are copied as
# the API serves them: literal env values in them travel with the bundle (valueFrom references are
# only names), so review kube/pods.yaml before sending the bundle outside your organisation.
set -euo pipefail

out="airgap-top-dump-$(date -u +%Y%m%dT%H%M%SZ)"
context=""
ssh_user="${AIRGAP_TOP_SSH_USER:-capv}"
identity=""
jump=""
do_ssh=1
do_govc=0

usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    -o|--output) out="$2"; shift 2 ;;
    --context) context="$2"; shift 2 ;;
    --ssh-user) ssh_user="$2"; shift 2 ;;
    -i|--identity) identity="$2"; shift 2 ;;
    -J|--jump) jump="$2"; shift 2 ;;
    --no-ssh) do_ssh=0; shift ;;
    --govc) do_govc=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "collect-dump: unknown argument $1" >&2; usage >&2; exit 2 ;;
  esac
done

command -v kubectl >/dev/null || { echo "collect-dump: kubectl is not on PATH" >&2; exit 2; }
kc=(kubectl)
[ -n "$context" ] && kc+=(--context "$context")

mkdir -p "$out/kube" "$out/nodes"
umask 077

# Who the bundle is about (names only; no credentials from the kubeconfig).
ctx_name="$("${kc[@]}" config current-context 2>/dev/null || true)"
[ -n "$context" ] && ctx_name="$context"
server="$("${kc[@]}" config view --minify -o jsonpath='{.clusters[0].cluster.server}' 2>/dev/null || true)"
printf '{"context": "%s", "server": "%s", "collectedAt": "%s"}\n' \
  "${ctx_name//\"/}" "${server//\"/}" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$out/cluster.json"

# What the probes read: pods, their owners and events (image pull errors), nodes, CSI nodes.
dump() { # resource [extra kubectl args]
  local resource="$1" file="$out/kube/${1//\//_}.yaml"
  shift
  if "${kc[@]}" get "$resource" "$@" -o yaml >"$file.part" 2>"$file.err"; then
    mv "$file.part" "$file"
    rm -f "$file.err"
    echo "collect-dump: kube/$(basename "$file")" >&2
  else
    echo "collect-dump: skipped $resource: $(head -n1 "$file.err")" >&2
    rm -f "$file.part" "$file.err"
  fi
}
for r in namespaces nodes csinodes.storage.k8s.io; do dump "$r"; done
for r in pods events replicasets.apps deployments.apps daemonsets.apps statefulsets.apps jobs.batch cronjobs.batch; do
  dump "$r" --all-namespaces
done
# Cluster API, CAPV and IPAM objects the probes read (missing ones are skipped), then any other
# custom resources of those API groups with their CRDs (the simulator learns unknown types from them).
capi=(clusters.cluster.x-k8s.io machines.cluster.x-k8s.io
  vsphereclusters.infrastructure.cluster.x-k8s.io vspheremachines.infrastructure.cluster.x-k8s.io
  vspherevms.infrastructure.cluster.x-k8s.io vspheredeploymentzones.infrastructure.cluster.x-k8s.io
  vspherefailuredomains.infrastructure.cluster.x-k8s.io
  ipaddressclaims.ipam.cluster.x-k8s.io ipaddresses.ipam.cluster.x-k8s.io
  inclusterippools.ipam.cluster.x-k8s.io globalinclusterippools.ipam.cluster.x-k8s.io)
crds="$("${kc[@]}" get customresourcedefinitions -o name 2>/dev/null | sed 's|^.*/||' | grep -E '^[a-z0-9]+\.(ipam\.|infrastructure\.)?cluster\.x-k8s\.io$' || true)"
if [ -n "$crds" ]; then
  # shellcheck disable=SC2086
  dump customresourcedefinitions $crds
fi
# shellcheck disable=SC2086
for r in $(printf '%s\n' "${capi[@]}" $crds | sort -u); do dump "$r" --all-namespaces; done

# Node files over SSH: only /etc/containerd, without private keys, credentials masked on the node.
if [ "$do_ssh" = 1 ]; then
  ssh_opts=(-o BatchMode=yes -o ConnectTimeout=10)
  [ -n "$identity" ] && ssh_opts+=(-i "$identity")
  [ -n "$jump" ] && ssh_opts+=(-J "$jump")
  mask='s/^([[:space:]]*"?(password|auth|identitytoken|identity_token|token)"?[[:space:]]*=[[:space:]]*).*/\1"[redacted]"/'
  remote="cd / && sudo -n tar -cf - --exclude='*.key' etc/containerd 2>/dev/null | { d=\$(mktemp -d) && tar -xf - -C \"\$d\" && find \"\$d\" -name '*.toml' -exec sed -E -i '$mask' {} + && tar -cf - -C \"\$d\" etc; rm -rf \"\$d\"; }"
  "${kc[@]}" get nodes -o jsonpath='{range .items[*]}{.metadata.name}{" "}{.status.addresses[?(@.type=="InternalIP")].address}{"\n"}{end}' |
    while read -r node addr; do
      [ -n "$node" ] && [ -n "$addr" ] || continue
      case "$node" in */*|.*) echo "collect-dump: odd node name $node, skipped" >&2; continue ;; esac
      mkdir -p "$out/nodes/$node"
      if ssh "${ssh_opts[@]}" "$ssh_user@$addr" "$remote" </dev/null | tar -xf - -C "$out/nodes/$node"; then
        echo "collect-dump: nodes/$node/etc/containerd" >&2
      else
        echo "collect-dump: could not read /etc/containerd on $node ($addr)" >&2
      fi
    done
fi

# vSphere portgroups and their ports, as govc prints them (GOVC_URL/GOVC_USERNAME/GOVC_PASSWORD set).
if [ "$do_govc" = 1 ]; then
  command -v govc >/dev/null || { echo "collect-dump: --govc needs govc on PATH" >&2; exit 2; }
  mkdir -p "$out/vsphere"
  {
    govc collect -json -type DistributedVirtualPortgroup / name config
    govc collect -json -type DistributedVirtualSwitch / name uuid config.defaultPortConfig
    govc find / -type DistributedVirtualSwitch | while read -r dvs; do govc dvs.portgroup.info -json "$dvs"; done
  } >"$out/vsphere/inventory.json"
  echo "collect-dump: vsphere/inventory.json" >&2
fi

echo "$out"
