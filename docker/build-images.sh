#!/usr/bin/env bash
# Builds the five voicepulse images from docker/Dockerfile, one target each, in one pass that
# shares the dependency install and the build stage:
#   docker/build-images.sh                         # docker (BuildKit): voicepulse/<app>:dev
#   docker/build-images.sh --builder buildah ...   # buildah, offline: docker.io/voicepulse/<app>:dev
# Options: --tag TAG, --build-arg K=V (repeatable; e.g. NODE_IMAGE for offline bases).
# buildah runs with --network=none: npm installs from the host's npm cache (bind-mounted as the
# build's cache mount) and apt from the archives docker/local/build.sh seeded.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
APPS=(gateway transcoder scorer ingestor web)
builder=docker
tag=dev
build_args=()
while (($#)); do
  case "$1" in
    --builder) builder="$2"; shift 2 ;;
    --tag) tag="$2"; shift 2 ;;
    --build-arg) build_args+=(--build-arg "$2"); shift 2 ;;
    *) echo "build-images: unknown argument $1" >&2; exit 64 ;;
  esac
done
revision="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
build_args+=(--build-arg "REVISION=$revision")
say() { printf '[images] %s\n' "$*" >&2; }

case "$builder" in
  docker)
    for app in "${APPS[@]}"; do
      started=$(date +%s)
      DOCKER_BUILDKIT=1 docker build -f "$ROOT/docker/Dockerfile" --target "$app" "${build_args[@]}" \
        -t "voicepulse/$app:$tag" "$ROOT"
      say "voicepulse/$app:$tag ($(($(date +%s) - started)) s)"
    done
    ;;
  buildah)
    # shellcheck source=scripts/lib/containers.sh
    source "$ROOT/scripts/lib/containers.sh"
    containers_setup
    npm_cache="$(npm config get cache)"
    mkdir -p "$npm_cache" "$BUILDAH_CACHE_DIR/root/.npm"
    # The lockfile records no download addresses (omit-lockfile-registry-resolved), so `npm ci`
    # reads each package's install metadata, and the offline build finds it only if the host's
    # cache holds it. `npm install <pkg>` caches other metadata than `npm ci` needs: once per
    # lockfile, run the same install here (host network, npm registry only) to fill the cache.
    lock_key="$(cd "$ROOT" && cat package-lock.json package.json apps/*/package.json libs/*/package.json | sha256sum | cut -c1-16)"
    if [[ "$(cat "$npm_cache/.voicepulse-images-ready" 2>/dev/null)" != "$lock_key" ]]; then
      say "filling the npm cache for offline builds (once per lockfile)"
      scratch="$(mktemp -d)"
      (cd "$ROOT" && cp package.json package-lock.json .npmrc "$scratch/" \
        && find apps libs -mindepth 2 -maxdepth 2 -name package.json -exec cp --parents {} "$scratch/" \;)
      (cd "$scratch" && ONNXRUNTIME_NODE_INSTALL=skip npm ci --prefer-offline --ignore-scripts --no-audit --no-fund >/dev/null)
      rm -rf "$scratch"
      echo "$lock_key" >"$npm_cache/.voicepulse-images-ready"
    fi
    mount --bind "$npm_cache" "$BUILDAH_CACHE_DIR/root/.npm"
    trap 'umount "$BUILDAH_CACHE_DIR/root/.npm"' EXIT
    # The stages that hold the expensive work get a tag, so pruning what earlier builds left
    # behind (untagged leaves) never drops the current cache.
    for stage in build prod-deps; do
      buildah bud --layers --pull=never --network=none --format docker --quiet \
        -f "$ROOT/docker/Dockerfile" --target "$stage" "${build_args[@]}" \
        -t "localhost/voicepulse-cache/$stage:latest" "$ROOT" >"$TMPDIR/build-$stage.log" 2>&1 \
        || { tail -n 60 "$TMPDIR/build-$stage.log" >&2; say "building stage $stage failed"; exit 1; }
    done
    for app in "${APPS[@]}"; do
      started=$(date +%s)
      buildah bud --layers --pull=never --network=none --format docker \
        -f "$ROOT/docker/Dockerfile" --target "$app" "${build_args[@]}" \
        -t "docker.io/voicepulse/$app:$tag" "$ROOT" >"$TMPDIR/build-$app.log" 2>&1 \
        || { tail -n 60 "$TMPDIR/build-$app.log" >&2; say "building $app failed (log: $TMPDIR/build-$app.log)"; exit 1; }
      say "docker.io/voicepulse/$app:$tag ($(($(date +%s) - started)) s, $(podman image inspect --format '{{.Size}}' "docker.io/voicepulse/$app:$tag" | numfmt --to=iec))"
    done
    podman image prune -f >/dev/null
    ;;
  *) echo "build-images: --builder must be docker or buildah" >&2; exit 64 ;;
esac
