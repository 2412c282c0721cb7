# shellcheck shell=bash
# The one way a local cluster gets voicepulse: scripts/kind-up and the real-cluster suite
# (scripts/cluster) both call release_install, so the suite proves exactly what kind users run.
#   HELM_CMD   how to call helm (an array; the suite runs it inside the cluster's network namespace)
#   RELEASE, NAMESPACE, HELM_TIMEOUT
# Extra arguments go to helm (the suite's upgrade test adds a --set).

RELEASE="${RELEASE:-voicepulse}"
NAMESPACE="${NAMESPACE:-voicepulse}"
if [[ -z "${HELM_CMD+set}" ]]; then HELM_CMD=(helm); fi

# shellcheck disable=SC2120 # extra helm arguments are optional
release_install() {
  local root
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
  "${HELM_CMD[@]}" upgrade --install "$RELEASE" "$root/charts/voicepulse" \
    --namespace "$NAMESPACE" --create-namespace \
    -f "$root/charts/voicepulse/values-kind.yaml" \
    --wait --wait-for-jobs --timeout "${HELM_TIMEOUT:-10m}" "$@"
}

# The chart's resource names: "<release>-voicepulse", or the release alone when it already says so.
release_fullname() {
  if [[ "$RELEASE" == *voicepulse* ]]; then printf '%s' "$RELEASE"; else printf '%s-voicepulse' "$RELEASE"; fi
}
