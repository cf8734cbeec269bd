#!/usr/bin/env bash
# Installs everything airgap-top's tests need on a fresh Debian machine, then builds.
# Idempotent: skips what is already there. Needs root (or sudo) for apt-get only when packages are missing.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v sshd >/dev/null 2>&1 || [ -x /usr/sbin/sshd ] || need_apt+=(openssh-server)
command -v go >/dev/null 2>&1 || need_apt+=(golang-go)
[ -d /usr/share/gocode/src/github.com/vmware/govmomi/simulator ] || need_apt+=(golang-github-vmware-govmomi-dev)
command -v xmllint >/dev/null 2>&1 || need_apt+=(libxml2-utils)
command -v promtool >/dev/null 2>&1 || need_apt+=(prometheus)
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v tmux >/dev/null 2>&1 || need_apt+=(tmux)
# `ip` brings loopback up inside the network namespaces (unshare -n) the release tests run the artefacts in.
command -v ip >/dev/null 2>&1 || [ -x /usr/sbin/ip ] || need_apt+=(iproute2)
# Stock kubectl (preinstalled on these machines; Debian's kubernetes-client otherwise): the simulator is
# proven against it, and --from-dump tests collect a bundle with scripts/collect-dump.sh.
command -v kubectl >/dev/null 2>&1 || need_apt+=(kubernetes-client)
# GitHub's CommonMark+GFM reference implementation: validates the Markdown report in tests.
command -v cmark-gfm >/dev/null 2>&1 || need_apt+=(cmark-gfm)
command -v ssh-keygen >/dev/null 2>&1 || need_apt+=(openssh-client)
# The registry probe's real peers: Docker distribution 2.8 and skopeo (pushes test images, cross-checks presence).
command -v docker-registry >/dev/null 2>&1 || need_apt+=(docker-registry)
command -v skopeo >/dev/null 2>&1 || need_apt+=(skopeo)
# htpasswd (bcrypt) for the registry test instance that refuses anonymous pulls.
command -v htpasswd >/dev/null 2>&1 || need_apt+=(apache2-utils)

if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${need_apt[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  # npm ci: exactly the locked versions, and a refusal when package.json and the lock disagree.
  echo "setup: npm ci (locked versions)"
  npm ci --no-audit --no-fund --loglevel=error
fi

npm run --silent build

# The vCenter simulator (govmomi's, from Debian) as a small Go main under test/.
if [ -x scripts/build-vcsim.sh ]; then scripts/build-vcsim.sh; fi
echo "setup: done"
