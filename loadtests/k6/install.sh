#!/usr/bin/env bash
# Builds k6 from source with the Go toolchain into loadtests/k6/.bin/k6 (gitignored).
# Only the Go module proxy is used: no release tarball, no browser (k6's browser module drives an
# already-installed Chromium at run time and is not used by these scripts).
# Building takes a few CPU-minutes; it is skipped when the wanted version is already there.
set -euo pipefail

K6_VERSION="${K6_VERSION:-v1.8.1}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin_dir="$here/.bin"
k6_bin="$bin_dir/k6"

if ! command -v go >/dev/null 2>&1; then
  echo "install.sh: Go is required to build k6 (https://go.dev/doc/install)" >&2
  exit 1
fi

if [[ -x "$k6_bin" ]] && "$k6_bin" version 2>/dev/null | grep -q "k6 ${K6_VERSION}"; then
  echo "k6 ${K6_VERSION} already built at $k6_bin"
  exit 0
fi

# Modules come from the module proxy only: `direct` (fetching from the source repositories when
# the proxy lacks a module) is taken out of the configured list.
proxy="$(go env GOPROXY)"
proxy="$(tr ',|' '\n\n' <<<"$proxy" | grep -vx -e direct -e off -e '' | paste -sd, -)"
[[ -n "$proxy" ]] || proxy="https://proxy.golang.org"

mkdir -p "$bin_dir"
echo "building k6 ${K6_VERSION} into $bin_dir from $proxy (go install; a few CPU-minutes)..."
# GOBIN puts the binary in the project folder; CGO off keeps the build free of a C toolchain.
GOPROXY="$proxy" GOBIN="$bin_dir" CGO_ENABLED=0 nice -n 10 go install "go.k6.io/k6@${K6_VERSION}"
"$k6_bin" version
