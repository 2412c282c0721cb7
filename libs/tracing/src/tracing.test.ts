import { context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it } from 'vitest';
import { initTracing, tracingEnabled, tracingRequested, type Tracing } from './index';

let tracing: Tracing | undefined;
afterEach(async () => {
  await tracing?.shutdown();
  tracing = undefined;
});

const injected = () => {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
};

describe('tracing', () => {
  it('is off by default: non-recording spans, nothing propagated', () => {
    expect(tracingRequested({})).toBe(false);
    tracing = initTracing('t', {});
    expect(tracing.enabled).toBe(false);
    expect(tracingEnabled()).toBe(false);
    trace.getTracer('t').startActiveSpan('op', (span) => {
      expect(span.isRecording()).toBe(false);
      expect(injected()).toEqual({});
      span.end();
    });
  });

  it('registers a provider that exports spans with the service name and propagates W3C trace context', async () => {
    const exporter = new InMemorySpanExporter();
    tracing = initTracing('gateway', {}, { exporter });
    expect(tracingEnabled()).toBe(true);
    const carrier = trace.getTracer('t').startActiveSpan('upload', (span) => {
      span.end();
      return injected();
    });
    expect(carrier.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    const [span] = exporter.getFinishedSpans();
    expect(span!.resource.attributes['service.name']).toBe('gateway');
    expect(carrier.traceparent).toContain(span!.spanContext().traceId);
    await tracing.shutdown();
    expect(tracingEnabled()).toBe(false);
    tracing = undefined;
  });

  it('samples new traces by OTEL_TRACES_SAMPLER_ARG, but always follows a sampled parent', () => {
    const exporter = new InMemorySpanExporter();
    tracing = initTracing('t', { OTEL_TRACES_SAMPLER_ARG: '0' }, { exporter });
    const tracer = trace.getTracer('t');
    tracer.startSpan('root').end();
    const parent = propagation.extract(ROOT_CONTEXT, {
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
    tracer.startSpan('child', {}, parent).end();
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['child']);
  });

  it('rejects an invalid endpoint instead of silently exporting nowhere', () => {
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' })).toBe(true);
    expect(() => initTracing('t', { OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' })).toThrow();
  });
});
