import { MAX_EVENTS_PER_REQUEST } from '@voicepulse/contracts';
import type { Readable } from 'node:stream';
import type { RejectedEvent } from './normalize';

export const MAX_INGEST_BODY_BYTES = 5 * 1024 * 1024;
/** `{"events":[{…}]}`: the envelope, its array and the flat event. Nothing valid nests deeper. */
export const MAX_INGEST_JSON_DEPTH = 3;

export class PayloadError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    readonly code:
      | 'payload_too_large'
      | 'too_many_events'
      | 'invalid_json'
      | 'json_too_deep'
      | 'invalid_body'
      | 'unsupported_media_type',
    message: string,
  ) {
    super(message);
    this.name = 'PayloadError';
  }
}

// The bytes JsonDepthScanner looks for, spelt as the characters they are.
const OPEN_BRACE = '{'.charCodeAt(0);
const OPEN_BRACKET = '['.charCodeAt(0);
const CLOSE_BRACE = '}'.charCodeAt(0);
const CLOSE_BRACKET = ']'.charCodeAt(0);
const QUOTE = '"'.charCodeAt(0);
const BACKSLASH = '\\'.charCodeAt(0);
const NEWLINE = '\n'.charCodeAt(0);

/**
 * Tracks the nesting depth of JSON text chunk by chunk, without parsing it, so a body nested
 * deeper than its shape allows is refused before JSON.parse (and everything after it) walks a
 * million levels. Brackets inside strings do not count; multi-byte UTF-8 never contains these
 * ASCII bytes, so bytes can be scanned as they arrive. With `lineDelimited` (NDJSON) each line
 * starts again at depth 0: a raw newline cannot occur inside a JSON string.
 */
export class JsonDepthScanner {
  private depth = 0;
  private inString = false;
  private escaped = false;

  constructor(
    private readonly maxDepth: number,
    private readonly lineDelimited = false,
  ) {}

  /** False once the text has nested deeper than `maxDepth`. */
  push(chunk: Buffer): boolean {
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (c === NEWLINE && this.lineDelimited) {
        this.depth = 0;
        this.inString = false;
        this.escaped = false;
      } else if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) this.inString = false;
      } else if (c === QUOTE) this.inString = true;
      else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (++this.depth > this.maxDepth) return false;
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) this.depth = Math.max(0, this.depth - 1);
    }
    return true;
  }
}

export interface ReadLimits {
  /** Bytes; a larger body is refused with 413 while it streams in. */
  limit?: number;
  /** JSON nesting allowed; deeper is refused with 400 as soon as it is seen. */
  maxDepth?: number;
  lineDelimited?: boolean;
}

/**
 * Reads a request body, failing as soon as it exceeds `limit` bytes or `maxDepth` levels of JSON
 * nesting: an oversized or over-nested body is rejected while streaming instead of being buffered
 * and parsed first. The stream is paused, not destroyed, so the caller can still send its 4xx
 * before the connection is closed.
 */
export function readLimited(stream: Readable, limits: ReadLimits = {}): Promise<Buffer> {
  const { limit = MAX_INGEST_BODY_BYTES, maxDepth, lineDelimited } = limits;
  const scanner = maxDepth === undefined ? undefined : new JsonDepthScanner(maxDepth, lineDelimited);
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
    };
    const fail = (err: PayloadError) => {
      cleanup();
      stream.pause();
      reject(err);
    };
    const onData = (chunk: Buffer | string) => {
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
      size += buf.length;
      if (size > limit)
        return fail(new PayloadError(413, 'payload_too_large', `body exceeds ${limit} bytes`));
      if (scanner && !scanner.push(buf)) {
        return fail(new PayloadError(400, 'json_too_deep', `JSON nests deeper than ${maxDepth} levels`));
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
