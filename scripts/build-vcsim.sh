#!/usr/bin/env bash
# Builds test/vcsim (govmomi's vCenter simulator with the scenarios airgap-top's vSphere tests need) into
# .cache/vcsim-airgap, from Debian's golang-go and golang-github-vmware-govmomi-dev, offline, in GOPATH
# mode. Idempotent: rebuilds only when main.go is newer than the binary.
set -euo pipefail
cd "$(dirname "$0")/.."

out=.cache/vcsim-airgap
src=test/vcsim/main.go
govmomi=/usr/share/gocode/src/github.com/vmware/govmomi/simulator

if ! command -v go >/dev/null 2>&1 || [ ! -d "$govmomi" ]; then
  echo "build-vcsim: needs golang-go and golang-github-vmware-govmomi-dev (apt-get install them); skipping" >&2
  exit 0
fi
if [ -x "$out" ] && [ "$out" -nt "$src" ]; then
  exit 0
fi

mkdir -p .cache/go-path .cache/go-build
# GOPATH mode: Debian ships govmomi and its dependencies as source under /usr/share/gocode; nothing is
# downloaded (GOPROXY=off, GOFLAGS cleared so a -mod flag from the environment cannot switch modes).
(
  cd test/vcsim
  GO111MODULE=off GOPROXY=off GOFLAGS= \
    GOPATH="/usr/share/gocode:$PWD/../../.cache/go-path" \
    GOCACHE="$PWD/../../.cache/go-build" \
    go build -o "../../$out.tmp" .
)
mv "$out.tmp" "$out"
echo "build-vcsim: built $out"
