/*
 * Checking a zone means constructing an Intl.DateTimeFormat (~70 µs) — more than the rest of an
 * event's validation together — so answers are memoised; the same handful of zones recur. Bounded
 * so a client sending random strings cannot grow it without limit.
 */
const zoneValidity = new Map<string, boolean>();
const MAX_REMEMBERED_ZONES = 2_000;

export function isIanaTimezone(tz: string): boolean {
  let valid = zoneValidity.get(tz);
  if (valid === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      valid = true;
    } catch {
      valid = false;
    }
    if (zoneValidity.size < MAX_REMEMBERED_ZONES) zoneValidity.set(tz, valid);
  }
  return valid;
}
