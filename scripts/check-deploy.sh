#!/usr/bin/env bash
# Offline validation of everything under docker/, charts/, k8s/, terraform/ and the kind scripts.
# Runs as the Nx `test` target of project `deploy` (charts/project.json). No cluster, no Docker
# daemon and no registry access are needed; what cannot be checked offline is reported as SKIPPED.
#
# Environment:
#   VOICEPULSE_K8S_SCHEMAS  folder of kubeconform JSON schemas (default: <repo>/../shared/k8s-schemas)
#   KUBE_VERSION            Kubernetes version to validate against (default 1.31.6)
set -euo pipefail

ROOT="$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel)"
cd "$ROOT"

CHART=charts/voicepulse
KUBE_VERSION="${KUBE_VERSION:-1.31.6}"
SCHEMAS="${VOICEPULSE_K8S_SCHEMAS:-$ROOT/../shared/k8s-schemas}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

passed=0
failed=0
skipped=0
failures=()

step() { printf '\n== %s\n' "$*"; }
ok() { passed=$((passed + 1)); printf 'ok   %s\n' "$*"; }
bad() { failed=$((failed + 1)); failures+=("$*"); printf 'FAIL %s\n' "$*"; }
skip() { skipped=$((skipped + 1)); printf 'SKIPPED %s\n' "$*"; }
# run <label> <command...>: records the outcome, prints the command's output only on failure.
run() {
  local label="$1" out
  shift
  if out="$("$@" 2>&1)"; then ok "$label"; else bad "$label"; printf '%s\n' "$out" | sed 's/^/     /'; fi
}

step "tools"
BIN="$(bash scripts/ensure-tools.sh helm kubeconform helm-unittest)"
export PATH="$BIN:$PATH"
# Keep helm's own state out of $HOME and the repo: nothing here needs repositories or plugins.
export HELM_CACHE_HOME="$WORK/helm/cache" HELM_CONFIG_HOME="$WORK/helm/config" HELM_DATA_HOME="$WORK/helm/data"
# go-installed binaries report "development" as their version; the build stamps are exact.
printf 'helm %s | %s | %s\n' "$(helm version --short)" "$(cat "$BIN/.kubeconform.version")" "$(cat "$BIN/.helm-unittest.version")"
[[ -d "$SCHEMAS/v$KUBE_VERSION-standalone-strict" ]] \
  || { echo "no kubeconform schemas for $KUBE_VERSION in $SCHEMAS (set VOICEPULSE_K8S_SCHEMAS)" >&2; exit 2; }

kubeconform_stdin() {
  kubeconform -strict -summary -kubernetes-version "$KUBE_VERSION" \
    -schema-location "$SCHEMAS/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json" \
    -schema-location "$SCHEMAS/crds/{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json" \
    -
}

# Value sets every install must accept. ci/minimal-values.yaml stands in for "defaults": the bare
# defaults deliberately fail (no database is configured) and that failure is asserted below.
declare -A VALUE_SETS=(
  [minimal]="$CHART/ci/minimal-values.yaml"
  [kind]="$CHART/values-kind.yaml"
  [production]="$CHART/values-production.yaml"
)
# The production example plus every optional feature, so KEDA/ServiceMonitor/WI render too.
cat >"$WORK/all-features-values.yaml" <<'EOF'
transcoder: { keda: { enabled: true } }
scorer: { keda: { enabled: true } }
ingestor: { keda: { enabled: true } }
metrics: { serviceMonitor: { enabled: true } }
EOF

step "helm lint"
for name in minimal kind production; do
  run "helm lint --strict ($name values)" helm lint --strict "$CHART" -f "${VALUE_SETS[$name]}"
done

step "helm template | kubeconform ($KUBE_VERSION, strict)"
render_and_validate() {
  local name="$1"
  shift
  if ! helm template vp "$CHART" --namespace voicepulse "$@" >"$WORK/$name.yaml" 2>"$WORK/$name.err"; then
    bad "helm template ($name)"
    sed 's/^/     /' "$WORK/$name.err"
    return
  fi
  ok "helm template ($name): $(grep -c '^kind:' "$WORK/$name.yaml") resources"
  run "kubeconform ($name)" kubeconform_stdin <"$WORK/$name.yaml"
}
for name in minimal kind production; do
  render_and_validate "$name" -f "${VALUE_SETS[$name]}"
done
render_and_validate "all-features" -f "${VALUE_SETS[production]}" -f "$WORK/all-features-values.yaml"
render_and_validate "all-features-kind" -f "${VALUE_SETS[kind]}" -f "$WORK/all-features-values.yaml"
# kind runs locally built :dev images on purpose; everywhere else images must be pinned.
for name in minimal production all-features; do
  run "images pinned ($name)" node docker/lint.mjs images "$WORK/$name.yaml"
done

step "rendered manifests keep the runtime contract"
run "every workload hardened, probed and resourced (production)" node "$CHART/ci/check-contract.mjs" "$WORK/production.yaml"
run "every workload hardened, probed and resourced (kind)" node "$CHART/ci/check-contract.mjs" "$WORK/all-features-kind.yaml"

step "bad values are rejected at install time"
expect_failure() {
  local file="$1" expected out
  expected="$(sed -n '1s/^# expect: //p' "$file")"
  if out="$(helm template vp "$CHART" -f "$file" 2>&1)"; then
    bad "$(basename "$file"): rendered, but must fail"
  elif grep -qF -- "$expected" <<<"$out"; then
    ok "$(basename "$file") fails with \"$expected\""
  else
    bad "$(basename "$file") failed for another reason than \"$expected\""
    printf '%s\n' "$out" | sed 's/^/     /'
  fi
}
for f in "$CHART"/tests/bad-values/*.yaml; do expect_failure "$f"; done
# `helm install vp charts/voicepulse` with nothing set: one sentence that names every value to set.
if out="$(helm template vp "$CHART" 2>&1)"; then
  bad "bare defaults rendered without a database"
elif grep -q 'set externalDatabase.url, externalRedis.url, storage.bucket, secrets.authJwtSecret' <<<"$out" \
  && ! grep -qE 'anyOf|schema' <<<"$out"; then
  ok "bare defaults stop with one sentence naming what to set"
else
  bad "bare defaults: unexpected error: $out"
fi

step "helm-unittest"
run "helm-unittest $CHART" helm-unittest --color=false "$CHART"

step "Dockerfiles and compose (docker/lint.mjs)"
run "Dockerfile rules" node docker/lint.mjs dockerfile docker/Dockerfile
run "compose rules" node docker/lint.mjs compose docker/compose.yaml
# The linter must catch what it claims to: each rule fires on the deliberately broken fixtures.
lint_catches() {
  local mode="$1" file="$2" out rule
  shift 2
  out="$(node docker/lint.mjs "$mode" "$file" 2>&1)" && { echo "no findings for $file"; return 1; }
  for rule in "$@"; do grep -q " $rule " <<<"$out" || { echo "rule $rule did not fire on $file"; return 1; }; done
}
run "Dockerfile lint fires on the bad fixture" lint_catches dockerfile docker/lint-fixtures/bad.Dockerfile \
  DV-PIN DV-SECRET DV-ADD-URL DV-PIPE-SH DV-APT DV-WORKDIR DV-EXEC DV-USER DV-HEALTH DV-LABEL
run "compose lint fires on the bad fixture" lint_catches compose docker/lint-fixtures/bad-compose.yaml \
  DC-SERVICE DC-PIN DC-DEPENDS DC-PORT DC-HARDEN DC-GRACE DC-MIGRATE DC-REDIS DC-POSTGRES
if docker compose version >/dev/null 2>&1; then
  run "docker compose config" docker compose -f docker/compose.yaml config --quiet
else
  skip "docker compose config: the docker CLI here has no compose plugin (docker/lint.mjs covers the rules)"
fi
skip "docker build: no Docker daemon on this machine"

step "shellcheck"
mapfile -t shell_scripts < <(ls scripts/*.sh scripts/lib/*.sh scripts/kind-up scripts/kind-down scripts/cluster \
  docker/*.sh docker/local/*.sh k8s/local/*.sh .ci/run 2>/dev/null)
run "shellcheck ${#shell_scripts[@]} scripts" shellcheck -x "${shell_scripts[@]}"

step "kind config"
run "k8s/kind-config.yaml parses, ingress-ready, maps 80/443" node k8s/check-kind-config.mjs

step "terraform"
TF=""
if command -v terraform >/dev/null; then TF=terraform; elif command -v tofu >/dev/null; then TF=tofu; fi
if [[ -z "$TF" ]]; then
  skip "terraform fmt/validate: neither terraform nor tofu is installed"
else
  # A TF_CLI_CONFIG_FILE naming a missing file only produces warnings; ignore it then.
  [[ -z "${TF_CLI_CONFIG_FILE:-}" || -f "$TF_CLI_CONFIG_FILE" ]] || unset TF_CLI_CONFIG_FILE
  { "$TF" version || true; } | head -1
  run "$TF fmt -check -recursive terraform" "$TF" fmt -check -recursive -diff terraform
  run "terraform module wiring (variables/outputs)" node terraform/check-wiring.mjs
  # Providers come from a filesystem mirror only, never from a registry: the network rule allows
  # no traffic to registry.terraform.io. Put google and random builds in
  # $VOICEPULSE_TF_MIRROR/registry.terraform.io/hashicorp/<name>/<version>/linux_amd64/ and validate
  # runs for real; the Go module proxy serves no buildable version of either (docs/deploy.md).
  mirror="${VOICEPULSE_TF_MIRROR:-${XDG_CACHE_HOME:-$HOME/.cache}/voicepulse-tools/terraform-mirror}"
  mkdir -p "$mirror"
  cat >"$WORK/terraformrc" <<EOF
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/*/*"]
  }
}
EOF
  export TF_CLI_CONFIG_FILE="$WORK/terraformrc"
  for env in terraform/environments/*/; do
    env="${env%/}"
    copy="$WORK/tf-$(basename "$env")"
    # Validate a copy: init writes .terraform/ and a lock file we do not want in the tree.
    cp -r terraform "$copy"
    dir="$copy/environments/$(basename "$env")"
    if timeout 60 "$TF" -chdir="$dir" init -backend=false -input=false -no-color >"$WORK/init.log" 2>&1; then
      run "$TF validate $env" "$TF" -chdir="$dir" validate -no-color
    else
      # No reachable source has the providers (docs/deploy.md, "How Terraform is checked").
      skip "$TF validate $env: no google/random provider in the mirror $mirror (no registry here; not buildable from the Go module proxy): $(grep -m1 -E 'Error|Failed' "$WORK/init.log" | tr -s ' ')"
    fi
  done
fi

printf '\n== summary: %d passed, %d failed, %d skipped\n' "$passed" "$failed" "$skipped"
if ((failed > 0)); then
  printf '   failed: %s\n' "${failures[@]}"
  exit 1
fi
