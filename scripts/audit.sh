#!/usr/bin/env bash
# The dependency gate: `npm audit` at level high. Exit codes:
#   0  checked, no high or critical advisory
#   1  checked, high or critical advisories found
#   3  NOT CHECKED: the advisory endpoint could not be asked (offline mirror, 405, DNS, timeout, …).
#      That is not a pass: .ci/run finishes its other phases, then fails on it.
# Accepted exceptions, if any, are listed with their justification in docs/security.md.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
json=$(npm audit --json --audit-level=high 2>/dev/null)
# A report has metadata.vulnerabilities; anything else (an error object, no output) means npm never
# got an answer to judge. (The JavaScript is single-quoted on purpose: its ${} are template literals.)
# shellcheck disable=SC2016
verdict=$(node -e '
  let r;
  try { r = JSON.parse(process.argv[1]); } catch { r = undefined; }
  const v = r?.metadata?.vulnerabilities;
  if (!v) { console.log(`unchecked ${r?.message ?? r?.error?.summary ?? "npm audit printed no report"}`); process.exit(); }
  console.log(`${v.high + v.critical > 0 ? "vulnerable" : "clean"} high=${v.high} critical=${v.critical} total=${v.total}`);
' "$json")
case "$verdict" in
  clean*)
    echo "[audit] clean at level high (${verdict#clean })"
    exit 0
    ;;
  vulnerable*)
    npm audit --audit-level=high 2>&1 | grep -v 'npm warn'
    echo "[audit] FAIL: high or critical advisories found (${verdict#vulnerable })"
    exit 1
    ;;
  *)
    cat >&2 <<MSG

[audit] ################################################################################
[audit] #  NOT CHECKED: npm audit could not reach the advisory endpoint.
[audit] #  ${verdict#unchecked }
[audit] #  No dependency was checked for advisories. This is NOT a pass of the audit gate.
[audit] ################################################################################

MSG
    exit 3
    ;;
esac
