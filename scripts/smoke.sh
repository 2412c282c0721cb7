#!/usr/bin/env bash
# The smoke test every way of running voicepulse must pass, against a gateway URL:
#   scripts/smoke.sh http://127.0.0.1:8080
# scripts/kind-up runs it through the Ingress, `npm run test:cluster` through the forwarded gateway
# Service, the compose check against compose's published port. It needs curl, and ffmpeg (or sox
# for the WAV alone) to make the test audio; espeak-ng, when present, makes it speech.
#
# Checks: a token (SMOKE_TOKEN, or a dev token); a WAV and a WebM/Opus upload both reach `scored`; the SSE status stream of
# the WAV delivers `scored`; a batch of three metric events shows up in the metrics summary.
set -euo pipefail

BASE="${1:?usage: smoke.sh BASE_URL}"
BASE="${BASE%/}"
TIMEOUT_S="${SMOKE_TIMEOUT_S:-180}"
USER_ID="smoke-$(date +%s)-$RANDOM"

say() { printf '[smoke] %s\n' "$*" >&2; }
die() { printf '[smoke] FAIL: %s\n' "$*" >&2; exit 1; }
field() { sed -n "s/.*\"$1\"[[:space:]]*:[[:space:]]*\"\\([^\"]*\\)\".*/\\1/p" <<<"$2" | head -n1; }

work="$(mktemp -d)"
sse_pid=""
cleanup() {
  if [[ -n "$sse_pid" ]]; then kill "$sse_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# ---- test audio ------------------------------------------------------------------------------------------
speech="$work/speech.wav"
if command -v espeak-ng >/dev/null; then
  espeak-ng -w "$work/espeak.wav" "What a wonderful day. I really love this new phone, it works perfectly."
  src="$work/espeak.wav"
elif command -v ffmpeg >/dev/null; then
  ffmpeg -loglevel error -y -f lavfi -i "sine=frequency=220:duration=4" "$work/sine.wav"
  src="$work/sine.wav"
else
  sox -n -r 16000 -c 1 -b 16 "$work/sine.wav" synth 4 sine 220 vol 0.3
  src="$work/sine.wav"
fi
if command -v ffmpeg >/dev/null; then
  ffmpeg -loglevel error -y -i "$src" -ar 48000 -ac 1 "$speech"
  # What a browser's MediaRecorder sends: Opus in WebM.
  ffmpeg -loglevel error -y -i "$src" -ar 48000 -ac 1 -c:a libopus -b:a 32k -f webm "$work/speech.webm"
else
  sox "$src" -r 48000 -c 1 -b 16 "$speech"
fi

# ---- auth ---------------------------------------------------------------------------------------------------
# SMOKE_TOKEN: a token minted by the caller (kubectl/podman exec … token.mjs); else a dev token.
if [[ -n "${SMOKE_TOKEN:-}" ]]; then
  token="$SMOKE_TOKEN"
  say "token from SMOKE_TOKEN"
else
  response="$(curl -fsS -X POST "$BASE/v1/dev/token" -H 'content-type: application/json' -d "{\"userId\":\"$USER_ID\"}")" \
    || die "POST $BASE/v1/dev/token failed (is AUTH_DEV_TOKENS on, and is this a loopback caller? else set SMOKE_TOKEN)"
  token="$(field token "$response")"
  [[ -n "$token" ]] || die "no token in: $response"
  say "dev token for $USER_ID"
fi
auth=(-H "authorization: Bearer $token")

# ---- uploads ---------------------------------------------------------------------------------------------------
upload() {
  local file="$1" type="$2" response id
  response="$(curl -fsS -X POST "$BASE/v1/recordings" "${auth[@]}" -F "file=@$file;type=$type")" \
    || die "upload of $file failed"
  id="$(field id "$response")"
  [[ -n "$id" ]] || die "no recording id in: $response"
  printf '%s' "$id"
}
ids=("$(upload "$speech" audio/wav)")
say "uploaded WAV as ${ids[0]}"
# The SSE stream of the first upload, read while the pipeline runs.
curl -fsSN --max-time "$TIMEOUT_S" "${auth[@]}" -H 'accept: text/event-stream' \
  "$BASE/v1/recordings/${ids[0]}/events" >"$work/sse.txt" 2>/dev/null &
sse_pid=$!
if [[ -f "$work/speech.webm" ]]; then
  ids+=("$(upload "$work/speech.webm" 'audio/webm;codecs=opus')")
  say "uploaded WebM/Opus as ${ids[1]}"
else
  say "no ffmpeg: WebM/Opus upload skipped"
fi

deadline=$(($(date +%s) + TIMEOUT_S))
for id in "${ids[@]}"; do
  status=""
  while (($(date +%s) < deadline)); do
    status="$(field status "$(curl -fsS "${auth[@]}" "$BASE/v1/recordings/$id")")"
    [[ "$status" == scored || "$status" == failed ]] && break
    sleep 1
  done
  [[ "$status" == scored ]] || die "recording $id is '${status:-unknown}', not scored, after ${TIMEOUT_S}s"
  say "recording $id: scored"
done

while (($(date +%s) < deadline)) && ! grep -q 'scored' "$work/sse.txt"; do sleep 0.5; done
grep -q 'scored' "$work/sse.txt" || die "the SSE stream of ${ids[0]} never delivered scored: $(head -c 400 "$work/sse.txt")"
say "SSE stream delivered scored"

# ---- metrics --------------------------------------------------------------------------------------------------
now="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
batch=""
for i in 1 2 3; do
  uuid="$(cat /proc/sys/kernel/random/uuid 2>/dev/null || printf '%08x-%04x-4%03x-8%03x-%012x' "$RANDOM$RANDOM" "$RANDOM" "$i" "$RANDOM" "$RANDOM$RANDOM")"
  batch+="${batch:+,}{\"eventId\":\"$uuid\",\"talkedTimeMs\":$((i * 1000)),\"microphoneUsed\":true,\"speakerUsed\":false,\"voiceSentiment\":0.5,\"recordedAt\":\"$now\"}"
done
code="$(curl -sS -o "$work/metrics.json" -w '%{http_code}' -X POST "$BASE/v1/metrics" "${auth[@]}" \
  -H 'content-type: application/json' -d "{\"events\":[$batch]}")"
[[ "$code" == 202 ]] || die "POST /v1/metrics answered $code: $(cat "$work/metrics.json")"
from="$(date -u -d '-1 day' +%Y-%m-%dT00:00:00Z)"
to="$(date -u -d '+1 day' +%Y-%m-%dT00:00:00Z)"
events=0
while (($(date +%s) < deadline)); do
  summary="$(curl -fsS "${auth[@]}" "$BASE/v1/metrics/summary?from=$from&to=$to")"
  events="$(sed -n 's/.*"totals"[[:space:]]*:[[:space:]]*{[[:space:]]*"events"[[:space:]]*:[[:space:]]*\([0-9]*\).*/\1/p' <<<"$summary")"
  # Two scored recordings add one event each; the batch adds three.
  ((${events:-0} >= 3 + ${#ids[@]})) && break
  sleep 1
done
((${events:-0} >= 3 + ${#ids[@]})) || die "metrics summary shows ${events:-0} events, expected $((3 + ${#ids[@]})): $summary"
say "metrics summary counts $events events"
say "OK ($BASE)"
