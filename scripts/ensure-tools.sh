#!/usr/bin/env bash
# Builds the Go-only tools the tests and chart checks need (no registry ships them as binaries)
# into a cache outside the repo, so a warm run costs nothing. Prints the bin dir on stdout.
set -euo pipefail

TOOLS_DIR="${VOICEPULSE_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/voicepulse-tools}"
BIN="$TOOLS_DIR/bin"
mkdir -p "$BIN"

# name  module@version  (pinned so every machine builds the same thing)
# A module whose go.mod has replace directives cannot be `go install`ed by version; list those
# in FROM_SOURCE and they are built inside a copy of the module's own source tree instead.
TOOLS=(
  "minio github.com/minio/minio@v0.0.0-20260212201848-7aac2a2c5b7c"
  "fake-gcs-server github.com/fsouza/fake-gcs-server@v1.56.1"
  "kubeconform github.com/yannh/kubeconform/cmd/kubeconform@v0.8.0"
  "helm helm.sh/helm/v3/cmd/helm@v3.22.0"
  "helm-unittest github.com/helm-unittest/helm-unittest/cmd/helm-unittest@v1.1.2"
  # The MinIO client, for the local stand-ins of the chart's minio and mc images (docker/local);
  # the version minio itself requires, so most of its packages are already in the build cache.
  "mc github.com/minio/mc@v0.0.0-20250313080218-cf909e1063a9"
)
# Tools built from this repository, keyed by a hash of their sources:
#   kube   k8s/local/kube, one binary for every Kubernetes component and CoreDNS (k8s/local)
#   pause  the pod sandbox: pause.c from the same Kubernetes module, compiled statically
KUBE_MODULE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../k8s/local/kube" && pwd)"

FROM_SOURCE=" helm-unittest "

# Builds package path $2 of module@version $1 from the module's source, honouring its replaces.
build_from_source() {
  local module="${1%@*}" version="${1##*@}" pkg="$2" out="$3" dir work
  dir="$(GOFLAGS=-mod=mod go mod download -json "$module@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  work="$(mktemp -d)"
  cp -r "$dir/." "$work" && chmod -R u+w "$work"
  (cd "$work" && CGO_ENABLED=0 go build -trimpath -o "$out" "./${pkg#"$module"/}") >&2
  rm -rf "$work"
}

# build_kube OUT: the wrapper module, with the version stamped the way upstream's release builds do
# (helm and the kubelet/apiserver skew checks read it).
build_kube() {
  local out="$1" version ld="" p
  version="$(sed -n 's/^[[:space:]]*k8s.io\/kubernetes \(v[0-9.]*\)$/\1/p' "$KUBE_MODULE_DIR/go.mod")"
  local minor="${version#v1.}"
  minor="${minor%%.*}"
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld+=" -X $p.gitVersion=$version -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean -X $p.buildDate=1970-01-01T00:00:00Z"
  done
  (cd "$KUBE_MODULE_DIR" && CGO_ENABLED=0 GOFLAGS=-mod=mod go build -trimpath -ldflags "-s -w$ld" -o "$out" .) >&2
}

# build_pause OUT: kubelet's sandbox process, from the Kubernetes module the kube binary uses.
build_pause() {
  local out="$1" version dir
  version="$(sed -n 's/^[[:space:]]*k8s.io\/kubernetes \(v[0-9.]*\)$/\1/p' "$KUBE_MODULE_DIR/go.mod")"
  dir="$(cd "$KUBE_MODULE_DIR" && GOFLAGS=-mod=mod go mod download -json "k8s.io/kubernetes@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  gcc -Os -Wall -Werror -static -DVERSION="$version" -o "$out" "$dir/build/pause/linux/pause.c" >&2
}

want="${*:-minio fake-gcs-server kubeconform helm helm-unittest}"
for entry in "${TOOLS[@]}"; do
  read -r name mod <<<"$entry"
  [[ " $want " == *" $name "* ]] || continue
  stamp="$BIN/.$name.version"
  if [[ -x "$BIN/$name" && -f "$stamp" && "$(cat "$stamp")" == "$mod" ]]; then
    continue
  fi
  echo "building $name ($mod) into $BIN" >&2
  # CPU time beside wall time: on a shared machine the wall time says more about the neighbours.
  TIMEFORMAT="built $name: %0Rs wall, %0Us user + %0Ss sys CPU"
  time {
    if [[ "$FROM_SOURCE" == *" $name "* ]]; then
      modpath="${mod%@*}"
      build_from_source "${modpath%%/cmd/*}@${mod##*@}" "$modpath" "$BIN/$name"
    else
      GOBIN="$BIN" GOFLAGS=-mod=mod CGO_ENABLED=0 go install "$mod" >&2
    fi
  } >&2
  echo "$mod" >"$stamp"
done
for name in kube pause; do
  [[ " $want " == *" $name "* ]] || continue
  stamp="$BIN/.$name.version"
  key="$(cat "$KUBE_MODULE_DIR/go.mod" "$KUBE_MODULE_DIR/go.sum" "$KUBE_MODULE_DIR"/*.go | sha256sum | cut -c1-16)"
  if [[ -x "$BIN/$name" && -f "$stamp" && "$(cat "$stamp")" == "$key" ]]; then
    continue
  fi
  echo "building $name ($KUBE_MODULE_DIR, $key) into $BIN" >&2
  TIMEFORMAT="built $name: %0Rs wall, %0Us user + %0Ss sys CPU"
  time "build_$name" "$BIN/$name" >&2
  echo "$key" >"$stamp"
done
echo "$BIN"
