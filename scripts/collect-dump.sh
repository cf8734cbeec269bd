#!/usr/bin/env bash
# Collects a support bundle for `airgap-top report --from-dump DIR`, on a machine that can reach the
# cluster and, optionally, its nodes (SFTP) and vCenter (govc). Read-only on the cluster.
# A wrapper around `airgap-top dump` (set AIRGAP_TOP to the command to run, e.g. the executable).
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

usage() { sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; }
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

# The collection itself is `airgap-top dump` (same layout, same exclusions, the probes' own Kubernetes
# client and SFTP reader: no kubectl or ssh needed). This script keeps its flags for existing runbooks
# and adds what the subcommand does not do: the live govc inventory (--govc).
if [ -n "${AIRGAP_TOP:-}" ]; then
  read -r -a airgap_top <<<"$AIRGAP_TOP"
elif command -v airgap-top >/dev/null; then
  airgap_top=(airgap-top)
else
  airgap_top=(node "$(cd "$(dirname "$0")/.." && pwd)/dist/cli/main.js")
fi
args=(dump -o "$out")
[ -n "$context" ] && args+=(--context "$context")
umask 077
config=""
if [ "$do_ssh" = 1 ]; then
  # The [ssh] section the containerd probe reads (user, key, jump host): -i, -J and --ssh-user map onto it.
  config="$(mktemp)"
  trap 'rm -f "$config"' EXIT
  toml_string() { local v="${1//\\/\\\\}"; printf '"%s"' "${v//\"/\\\"}"; }
  {
    echo '[ssh]'
    echo "user = $(toml_string "$ssh_user")"
    [ -n "$identity" ] && echo "identity_file = $(toml_string "$identity")"
    [ -n "$jump" ] && echo "jump_host = $(toml_string "$jump")"
  } >"$config"
  args+=(--config "$config")
fi
# Progress lines keep this script's "collect-dump:" prefix for existing runbooks and log parsers.
set +o pipefail
"${airgap_top[@]}" "${args[@]}" 2>&1 >/dev/null | sed -u 's/^dump: /collect-dump: /' >&2
status="${PIPESTATUS[0]}"
set -o pipefail
[ "$status" -ge 2 ] && exit "$status"

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
exit "$status"
