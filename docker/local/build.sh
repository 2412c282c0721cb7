#!/usr/bin/env bash
# Builds, without any registry, every image that docker/Dockerfile and the chart need but cannot
# pull on the CI machines (see docker/local/Dockerfile), into the podman store that
# scripts/lib/containers.sh configures. Prints the build arguments docker/Dockerfile then takes:
#   NODE_IMAGE=localhost/voicepulse-base/node:v20.20.2 NGINX_IMAGE=localhost/voicepulse-base/nginx:bookworm
#
# Three things are expensive and cached under $VOICEPULSE_CACHE, each keyed by what it depends on:
# the debootstrap rootfs (suite + package list + this recipe), the apt archives and lists seeded
# for offline builds (rootfs + package list), and buildah's layer cache (content-addressed).
# The host's network is used for debootstrap and the apt download only (the Debian mirror);
# every container build runs with --network=none.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=scripts/lib/containers.sh
source "$ROOT/scripts/lib/containers.sh"
containers_setup

SUITE=bookworm
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
BASE_PACKAGES=ca-certificates,tini
TOOLS_BIN="${VOICEPULSE_TOOLS_BIN:?VOICEPULSE_TOOLS_BIN must name the directory scripts/ensure-tools.sh prints}"
say() { printf '[images] %s\n' "$*" >&2; }
# chroot with a clean environment: the caller's TMPDIR (podman's, see containers.sh) and locale
# mean nothing inside the rootfs.
in_root() {
  local dir="$1"
  shift
  env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C DEBIAN_FRONTEND=noninteractive chroot "$dir" "$@"
}

# Every package any image installs, read from the Dockerfiles' apt-install lines (one source).
packages() {
  sed -n 's/.*apt-install \([a-z0-9 .+-]*\).*/\1/p' "$ROOT/docker/Dockerfile" "$ROOT/docker/local/Dockerfile" |
    tr ' ' '\n' | grep -v '^$' | sort -u | tr '\n' ' '
}

# ---- the rootfs ------------------------------------------------------------------------------------------
recipe_key="$(printf '%s %s %s\n' "$SUITE" "$BASE_PACKAGES" "$(sed -n '/^make_rootfs()/,/^}/p' "${BASH_SOURCE[0]}")" | sha256sum | cut -c1-12)"
BASES="$VOICEPULSE_CACHE/bases"
ROOTFS_TAR="$BASES/$SUITE-$recipe_key.tar"
BOOKWORM="localhost/voicepulse-base/$SUITE:$recipe_key"

make_rootfs() {
  local dir="$1"
  debootstrap --variant=minbase --include="$BASE_PACKAGES" "$SUITE" "$dir" "$MIRROR" >&2
  # Security and point-release updates as well, like Debian's own images.
  rm -f "$dir/etc/apt/sources.list"
  cat >"$dir/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $MIRROR
Suites: $SUITE $SUITE-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${MIRROR%/debian}/debian-security
Suites: $SUITE-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  # Package scripts must never start services inside an image.
  printf '#!/bin/sh\nexit 101\n' >"$dir/usr/sbin/policy-rc.d"
  chmod 755 "$dir/usr/sbin/policy-rc.d"
  printf 'path-exclude /usr/share/doc/*\npath-exclude /usr/share/man/*\npath-exclude /usr/share/locale/*\n' \
    >"$dir/etc/dpkg/dpkg.cfg.d/excludes"
  cp /etc/resolv.conf "$dir/etc/resolv.conf"
  in_root "$dir" apt-get update -qq
  in_root "$dir" apt-get -y -qq upgrade >&2
  in_root "$dir" apt-get clean
  rm -rf "$dir"/var/lib/apt/lists/* "$dir"/var/cache/apt/*.bin "$dir"/var/log/*.log "$dir"/tmp/*
  : >"$dir/etc/resolv.conf"
}

if [[ ! -f "$ROOTFS_TAR" ]]; then
  say "debootstrap $SUITE ($BASE_PACKAGES) — once per recipe, cached as $ROOTFS_TAR"
  mkdir -p "$BASES"
  work="$(mktemp -d "$BASES/rootfs.XXXXXX")"
  make_rootfs "$work/rootfs"
  tar -C "$work/rootfs" --numeric-owner -cf "$ROOTFS_TAR.partial" .
  mv "$ROOTFS_TAR.partial" "$ROOTFS_TAR"
  rm -rf "$work"
fi
if ! podman image exists "$BOOKWORM"; then
  say "importing $BOOKWORM"
  podman import --change 'CMD ["bash"]' "$ROOTFS_TAR" "$BOOKWORM" >/dev/null
fi

# ---- apt archives and lists for offline builds -----------------------------------------------------
# buildah keeps `RUN --mount=type=cache,target=T` in $BUILDAH_CACHE_DIR/T: fill exactly those.
pkgs="$(packages)"
seed_key="$(printf '%s %s\n' "$recipe_key" "$pkgs" | sha256sum | cut -c1-12)"
archives="$BUILDAH_CACHE_DIR/var/cache/apt"
lists="$BUILDAH_CACHE_DIR/var/lib/apt/lists"
if [[ "$(cat "$archives/.seed" 2>/dev/null)" != "$seed_key" ]]; then
  say "downloading for offline builds: $pkgs"
  mkdir -p "$archives/archives/partial" "$lists/partial"
  work="$(mktemp -d "$BASES/seed.XXXXXX")"
  tar -C "$work" -xf "$ROOTFS_TAR"
  cp /etc/resolv.conf "$work/etc/resolv.conf"
  mount --bind "$archives" "$work/var/cache/apt"
  mount --bind "$lists" "$work/var/lib/apt/lists"
  trap 'umount "$work/var/cache/apt" "$work/var/lib/apt/lists" 2>/dev/null || true; rm -rf "$work"' EXIT
  in_root "$work" apt-get update -qq
  # shellcheck disable=SC2086 # a word list
  in_root "$work" apt-get install -y -qq --download-only --no-install-recommends $pkgs >&2
  umount "$work/var/cache/apt" "$work/var/lib/apt/lists"
  rm -rf "$work"
  trap - EXIT
  echo "$seed_key" >"$archives/.seed"
fi

# ---- the build context: host Node, go-built binaries, this folder's scripts ---------------------------
ctx="$VOICEPULSE_CACHE/local-context"
rm -rf "$ctx"
mkdir -p "$ctx/node/usr/bin" "$ctx/node/usr/lib/node_modules" "$ctx/bin" "$ctx/docker/local"
node_version="$(node -p process.version)"
cp "$(command -v node)" "$ctx/node/usr/bin/node"
cp -r "$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")" "$ctx/node/usr/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$ctx/node/usr/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$ctx/node/usr/bin/npx"
cp "$TOOLS_BIN/minio" "$TOOLS_BIN/mc" "$TOOLS_BIN/pause" "$ctx/bin/"
cp "$ROOT/docker/apt-install.sh" "$ctx/docker/"
cp "$ROOT/docker/local/postgres-entrypoint.sh" "$ctx/docker/local/"

# Names: the base images are ours; the stand-ins take the names the chart's values.yaml pins.
values_image() { node -e "const y=require('yaml');const v=y.parse(require('fs').readFileSync('$ROOT/charts/voicepulse/values.yaml','utf8'));console.log($1)" ; }
NODE_IMAGE="localhost/voicepulse-base/node:$node_version"
NGINX_IMAGE="localhost/voicepulse-base/nginx:$SUITE"
declare -A TARGETS=(
  [node]="$NODE_IMAGE"
  [nginx]="$NGINX_IMAGE"
  [postgres]="$(values_image v.postgresql.image)"
  [redis]="$(values_image v.redis.image)"
  [minio]="$(values_image v.minio.image)"
  [mc]="$(values_image v.minio.mcImage)"
  [pause]="registry.k8s.io/pause:3.10.1"
)
for target in node nginx postgres redis minio mc pause; do
  started=$(date +%s)
  buildah bud --quiet --layers --pull=never --network=none \
    --build-arg "BOOKWORM=$BOOKWORM" --target "$target" -t "${TARGETS[$target]}" \
    -f "$ROOT/docker/local/Dockerfile" "$ctx" >/dev/null
  say "$target → ${TARGETS[$target]} ($(($(date +%s) - started)) s)"
done
podman image prune -f >/dev/null
printf 'NODE_IMAGE=%s NGINX_IMAGE=%s\n' "$NODE_IMAGE" "$NGINX_IMAGE"
