#!/usr/bin/env bash
# `npm audit --audit-level=high`, distinguishing "vulnerable" (fail) from "the advisory endpoint cannot
# be reached" (report loudly, do not fail): offline mirrors answer the bulk-advisory POST with 405.
# Accepted exceptions, if any, are listed with their justification in docs/security.md.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
out=$(npm audit --audit-level=high 2>&1)
rc=$?
printf '%s\n' "$out" | grep -v 'npm warn'
if ((rc == 0)); then
  echo "[audit] clean at level high"
  exit 0
fi
if grep -qE 'audit endpoint returned an error|E405|ENOTFOUND|ECONNREFUSED|ETIMEDOUT' <<<"$out"; then
  echo "[audit] WARNING: the npm advisory endpoint is unreachable from here; audit NOT performed (see docs/security.md)"
  exit 0
fi
echo "[audit] high or critical advisories found"
exit 1
