import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it } from 'vitest';
import { activeTraceparent, initTracing, SpanKind, withSpan, type Tracing } from './index';

let tracing: Tracing | undefined;
afterEach(async () => {
  await tracing?.shutdown();
  tracing = undefined;
});

describe('tracing', () => {
  it('is off by default: no spans, nothing to inject', async () => {
    tracing = initTracing('t', {});
    expect(tracing.enabled).toBe(false);
    const inside = await withSpan('op', {}, async () => activeTraceparent());
    expect(inside).toBeUndefined();
  });

  it('continues one trace across a serialised traceparent, as a job payload carries it', async () => {
    const exporter = new InMemorySpanExporter();
    tracing = initTracing('t', {}, { exporter });
    const carried = await withSpan('upload', { kind: SpanKind.SERVER }, async () => activeTraceparent());
    expect(carried).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    // The "other process": no active context, only the string from the payload.
    await withSpan('transcode', { kind: SpanKind.CONSUMER, remoteParent: JSON.parse(JSON.stringify(carried)) }, async () => {
      await withSpan('score', {}, async () => undefined);
    });
    await expect(withSpan('fails', {}, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');

    const spans = exporter.getFinishedSpans();
    const byName = Object.fromEntries(spans.map((s) => [s.name, s]));
    const traceId = byName.upload!.spanContext().traceId;
    expect(byName.transcode!.spanContext().traceId).toBe(traceId);
    expect(byName.score!.spanContext().traceId).toBe(traceId);
    expect(byName.transcode!.parentSpanContext?.spanId).toBe(byName.upload!.spanContext().spanId);
    expect(byName.fails!.spanContext().traceId).not.toBe(traceId);
    expect(byName.fails!.status.code).toBe(2);
  });

  it('rejects an invalid endpoint instead of silently exporting nowhere', () => {
    expect(() => initTracing('t', { OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' })).toThrow();
  });
});
