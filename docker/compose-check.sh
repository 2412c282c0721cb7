#!/usr/bin/env bash
# Runs docker/compose.yaml with podman-compose, on the images `scripts/cluster up` built, inside a
# private network namespace (no route out: compose's bridge network lives in there), and passes
# scripts/smoke.sh against it. `scripts/cluster test` runs it after the Kubernetes suite.
#   docker/compose-check.sh
# Needs root, podman, podman-compose and the CNI dnsname plugin (service names resolve through it).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib/containers.sh
source "$ROOT/scripts/lib/containers.sh"
# shellcheck source=scripts/lib/netns.sh
source "$ROOT/scripts/lib/netns.sh"
containers_setup

NETNS=voicepulse-compose
PROJECT=voicepulse-check
say() { printf '[compose] %s\n' "$*" >&2; }
in_ns() { nsenter --net="/run/netns/$NETNS" "$@"; }
compose() { in_ns podman-compose -f "$ROOT/docker/compose.yaml" -p "$PROJECT" "$@"; }

cleanup() {
  local rc=$?
  if ((rc != 0)); then
    say "failed: the last lines of every service"
    for c in $(podman ps -a --format '{{.Names}}' | grep "^${PROJECT}_"); do
      printf '\n--- %s\n' "$c" >&2
      podman logs --tail 20 "$c" >&2 2>&1 || true
    done
  fi
  compose down -v >/dev/null 2>&1 || true
  netns_delete "$NETNS"
  exit "$rc"
}

netns_delete "$NETNS"
netns_create "$NETNS" 10.251.0.1/24 10.251.0.2
trap cleanup EXIT

# As an operator would: a fresh secret (the gateway refuses published ones in production).
AUTH_JWT_SECRET="$(openssl rand -hex 32)"
export AUTH_JWT_SECRET
say "podman-compose up (podman-compose $(podman-compose version 2>/dev/null | sed -n 's/^podman-compose.* version *//p'))"
# The images are already built (scripts/cluster up); compose's `build:` sections are for Docker users.
compose up -d --no-build >/dev/null

# podman-compose 1.0.3 starts services in depends_on order but does not wait for their conditions
# (service_healthy, service_completed_successfully), which docker compose honours: wait here.
# podman-compose 1.0.3 names containers <project>_<service>_1.
code="$(podman wait "${PROJECT}_migrate_1")"
[[ "$code" == 0 ]] || { say "migrate exited $code"; exit 1; }
say "migrations applied"
for _ in $(seq 1 120); do
  in_ns curl -fsS -o /dev/null http://127.0.0.1:8080/readyz 2>/dev/null && break
  sleep 1
done
in_ns curl -fsS http://127.0.0.1:8080/readyz >/dev/null
say "gateway ready on 127.0.0.1:8080 (inside $NETNS)"

token="$(podman exec "${PROJECT}_gateway_1" node apps/gateway/dist/token.mjs --user compose-smoke)"
in_ns env SMOKE_TOKEN="$token" bash "$ROOT/scripts/smoke.sh" http://127.0.0.1:8080
say "OK"
