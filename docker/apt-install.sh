#!/bin/sh
# `apt-get install` for image builds, bind-mounted into a RUN step by docker/Dockerfile. Lists and
# archives live in cache mounts, so nothing of apt lands in a layer. Online (BuildKit, or buildah
# with a network) it fetches as usual; offline (buildah --network=none) `apt-get update` only warns
# and the install is served from the cache mounts that docker/base/build.sh seeds beforehand.
set -eu
export DEBIAN_FRONTEND=noninteractive
# Debian's container images delete downloaded packages after each install; keep them in the cache.
rm -f /etc/apt/apt.conf.d/docker-clean
echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' >/etc/apt/apt.conf.d/keep-downloads
apt-get update -qq || echo "apt-install: apt-get update failed; installing from the cached lists" >&2
apt-get install -y -qq --no-install-recommends "$@"
