import { MAX_EVENTS_PER_REQUEST } from '@voicepulse/contracts';
import type { Readable } from 'node:stream';
import type { RejectedEvent } from './normalize';

export const MAX_INGEST_BODY_BYTES = 5 * 1024 * 1024;

export class PayloadError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    readonly code:
      'payload_too_large' | 'too_many_events' | 'invalid_json' | 'invalid_body' | 'unsupported_media_type',
    message: string,
  ) {
    super(message);
    this.name = 'PayloadError';
  }
}

/**
 * Reads a request body, failing as soon as it exceeds `limit` bytes: an oversized upload is
 * rejected while streaming instead of being buffered first. The stream is paused, not destroyed,
 * so the caller can still send its 413 before the connection is closed.
 */
export function readLimited(stream: Readable, limit = MAX_INGEST_BODY_BYTES): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
    };
    const onData = (chunk: Buffer | string) => {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
      size += buf.length;
      if (size > limit) {
        cleanup();
        stream.pause();
        reject(new PayloadError(413, 'payload_too_large', `body exceeds ${limit} bytes`));
        return;
      }
      chunks.push(buf);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
  });
}

export type BodyKind = 'json' | 'ndjson';

export function bodyKindOf(contentType: string | undefined): BodyKind {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json') return 'json';
  if (type === 'application/x-ndjson' || type === 'application/ndjson') return 'ndjson';
  throw new PayloadError(415, 'unsupported_media_type', 'use application/json or application/x-ndjson');
}

export interface ParsedBody {
  /** Raw events in request order; `undefined` where a line could not be parsed (reported in `lineErrors`). */
  raws: unknown[];
  lineErrors: RejectedEvent[];
}

function checkCount(n: number): void {
  if (n > MAX_EVENTS_PER_REQUEST) {
    throw new PayloadError(
      413,
      'too_many_events',
      `at most ${MAX_EVENTS_PER_REQUEST} events per request (got ${n})`,
    );
  }
  if (n === 0) throw new PayloadError(400, 'invalid_body', 'no events in body');
}

/**
 * JSON: one event, or `{"events":[…]}`. NDJSON: one event per line, each parsed on its own so a
 * malformed line rejects only itself (blank lines are skipped and do not take an index).
 */
export function parseIngestBody(kind: BodyKind, body: Buffer | string): ParsedBody {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  if (kind === 'json') {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new PayloadError(400, 'invalid_json', `body is not valid JSON: ${(err as Error).message}`);
    }
    if (typeof value === 'object' && value !== null && !Array.isArray(value) && 'events' in value) {
      const keys = Object.keys(value);
      const events = (value as { events: unknown }).events;
      if (!Array.isArray(events) || keys.length !== 1) {
        throw new PayloadError(
          400,
          'invalid_body',
          '`events` must be an array and the only field of the envelope',
        );
      }
      checkCount(events.length);
      return { raws: events, lineErrors: [] };
    }
    return { raws: [value], lineErrors: [] };
  }
  const raws: unknown[] = [];
  const lineErrors: RejectedEvent[] = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed) continue;
    try {
      raws.push(JSON.parse(trimmed));
    } catch (err) {
      lineErrors.push({
        index: raws.length,
        errors: [{ path: '', message: `invalid JSON: ${(err as Error).message}` }],
      });
      raws.push(undefined);
    }
    if (raws.length > MAX_EVENTS_PER_REQUEST) checkCount(raws.length);
  }
  checkCount(raws.length);
  return { raws, lineErrors };
}
