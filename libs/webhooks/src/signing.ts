import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, keyed with the endpoint's secret. */
export const SIGNATURE_HEADER = 'Voicepulse-Signature';
/** The same on every attempt of one event: receivers dedupe on it. */
export const EVENT_ID_HEADER = 'Voicepulse-Event-Id';
export const EVENT_HEADER = 'Voicepulse-Event';
/**
 * A signature older (or further in the future) than this is refused, so a captured delivery cannot
 * be replayed later. Receivers should also remember event ids for at least this long.
 */
export const REPLAY_WINDOW_S = 300;

/** 32 random bytes; the `whsec_` prefix makes a leaked one recognisable to secret scanners. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

const mac = (secret: string, timestampS: number, body: string | Buffer) =>
  createHmac('sha256', secret).update(`${timestampS}.`).update(body).digest();

/** The signature header's value for `body` sent at `timestampS`. */
export function signWebhook(secret: string, body: string | Buffer, timestampS: number): string {
  return `t=${timestampS},v1=${mac(secret, timestampS, body).toString('hex')}`;
}

export type WebhookVerification =
  | { ok: true; timestamp: number }
  | { ok: false; reason: 'malformed' | 'bad_signature' | 'outside_replay_window' };

/**
 * What a receiver runs on every delivery, over the raw request body exactly as received (not a
 * re-serialised parse of it). A forged body or signature fails as `bad_signature`; a genuine
 * delivery replayed after the window fails as `outside_replay_window`.
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | undefined,
  body: string | Buffer,
  now: Date = new Date(),
  toleranceS: number = REPLAY_WINDOW_S,
): WebhookVerification {
  if (!header) return { ok: false, reason: 'malformed' };
  let timestamp: number | undefined;
  const candidates: Buffer[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    // Several v1 entries may be present (a receiver-side secret rotation); any match will do.
    else if (key === 'v1' && /^[0-9a-f]{64}$/.test(value)) candidates.push(Buffer.from(value, 'hex'));
  }
  if (timestamp === undefined || !candidates.length) return { ok: false, reason: 'malformed' };
  const expected = mac(secret, timestamp, body);
  // Checked before the clock, so a forgery is never reported as merely stale.
  if (!candidates.some((c) => timingSafeEqual(c, expected))) return { ok: false, reason: 'bad_signature' };
  if (Math.abs(Math.floor(now.getTime() / 1000) - timestamp) > toleranceS)
    return { ok: false, reason: 'outside_replay_window' };
  return { ok: true, timestamp };
}
