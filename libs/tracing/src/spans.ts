import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
} from '@opentelemetry/api';

const TRACER = 'voicepulse';

export { SpanKind, type Span };

/** W3C traceparent of the active span, to carry in a job payload; undefined when tracing is off. */
export function activeTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  /** A traceparent received from another process (a job payload): the span continues that trace. */
  remoteParent?: string;
}

/**
 * Runs `fn` inside a new active span, ending it when `fn` settles and recording a thrown error as
 * the span's status, so callers never leak an unended span.
 */
export async function withSpan<T>(name: string, options: SpanOptions, fn: (span: Span) => Promise<T>): Promise<T> {
  const parent = options.remoteParent
    ? propagation.extract(ROOT_CONTEXT, { traceparent: options.remoteParent })
    : context.active();
  const span = trace.getTracer(TRACER).startSpan(name, { kind: options.kind, attributes: options.attributes }, parent);
  return context.with(trace.setSpan(parent, span), async () => {
    try {
      return await fn(span);
    } catch (err) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error)?.message });
      throw err;
    } finally {
      span.end();
    }
  });
}

/** For callers that end the span themselves (an HTTP request ends on 'finish', not on a promise). */
export function startActiveSpan(name: string, options: SpanOptions, run: (span: Span) => void): void {
  const span = trace.getTracer(TRACER).startSpan(name, { kind: options.kind, attributes: options.attributes });
  context.with(trace.setSpan(context.active(), span), () => run(span));
}

export function markSpanError(span: Span, message: string): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}
