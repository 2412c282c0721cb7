# shellcheck shell=bash
# Sourced by the image and cluster scripts: podman/buildah settings that work on the CI machines
# (no Docker engine, cgroup v1, no CAP_SYS_RESOURCE) with every byte of state kept in one cache
# directory outside the repository. Nothing here gives a container a network: builds and runs use
# netns "none" unless a caller asks otherwise.

VOICEPULSE_CACHE="${VOICEPULSE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/voicepulse}"
CONTAINERS_HOME="$VOICEPULSE_CACHE/containers"
export CONTAINERS_CONF="$CONTAINERS_HOME/containers.conf"
export CONTAINERS_STORAGE_CONF="$CONTAINERS_HOME/storage.conf"
export CONTAINERS_REGISTRIES_CONF="$CONTAINERS_HOME/registries.conf"
# buildah keeps RUN --mount=type=cache directories under $TMPDIR/buildah-cache.
export TMPDIR="$CONTAINERS_HOME/tmp"
export BUILDAH_FORMAT=docker
# shellcheck disable=SC2034 # read by the scripts that source this file
BUILDAH_CACHE_DIR="$TMPDIR/buildah-cache"

containers_setup() {
  mkdir -p "$CONTAINERS_HOME/storage" "$CONTAINERS_HOME/run" "$TMPDIR"
  # runc, not crun: crun 1.8 refuses the hybrid cgroup v1 layout ("cgroups in hybrid mode not
  # supported"). podman's default nofile limit (1048576) fails setrlimit without CAP_SYS_RESOURCE.
  cat >"$CONTAINERS_CONF" <<CONF
[containers]
netns = "none"
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
log_driver = "k8s-file"

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$CONTAINERS_HOME/run/events.log"
CONF
  cat >"$CONTAINERS_STORAGE_CONF" <<CONF
[storage]
driver = "overlay"
graphroot = "$CONTAINERS_HOME/storage"
runroot = "$CONTAINERS_HOME/run"
CONF
  # No registry is ever searched: a short name that is not local fails instead of being pulled.
  cat >"$CONTAINERS_REGISTRIES_CONF" <<CONF
unqualified-search-registries = []
short-name-mode = "disabled"
CONF
}
