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
)

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

want="${*:-minio fake-gcs-server kubeconform helm helm-unittest}"
for entry in "${TOOLS[@]}"; do
  read -r name mod <<<"$entry"
  [[ " $want " == *" $name "* ]] || continue
  stamp="$BIN/.$name.version"
  if [[ -x "$BIN/$name" && -f "$stamp" && "$(cat "$stamp")" == "$mod" ]]; then
    continue
  fi
  echo "building $name ($mod) into $BIN" >&2
  if [[ "$FROM_SOURCE" == *" $name "* ]]; then
    modpath="${mod%@*}"
    build_from_source "${modpath%%/cmd/*}@${mod##*@}" "$modpath" "$BIN/$name"
  else
    GOBIN="$BIN" GOFLAGS=-mod=mod CGO_ENABLED=0 go install "$mod" >&2
  fi
  echo "$mod" >"$stamp"
done
echo "$BIN"
