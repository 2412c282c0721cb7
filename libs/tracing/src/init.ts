import { context, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ParentBasedSampler,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  type SpanExporter,
} from '@opentelemetry/sdk-trace';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { z } from 'zod';

/** The standard OpenTelemetry variable names, so collectors' docs apply as written. */
export const tracingConfigSchema = z.object({
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
  /** Fraction of new traces to record; child spans always follow their parent's decision. */
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).default(1),
});
export type TracingConfig = z.input<typeof tracingConfigSchema>;

export interface Tracing {
  readonly enabled: boolean;
  /** Flushes buffered spans and unregisters the provider (last shutdown step, after the work drained). */
  shutdown(): Promise<void>;
}

export interface InitTracingOptions {
  /** Tests pass an in-memory exporter; spans are then exported synchronously. */
  exporter?: SpanExporter;
}

/** Tracing is off unless an OTLP endpoint is configured: the one rule both start-up steps follow. */
export const tracingRequested = (env: Record<string, string | undefined>): boolean =>
  Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT);

const disabled: Tracing = { enabled: false, shutdown: async () => undefined };
let active = false;

/** True between initTracing and shutdown: queues add BullMQ's telemetry only then. */
export const tracingEnabled = (): boolean => active;

/**
 * Registers the tracer provider (with the AsyncLocalStorage context manager and the W3C
 * propagators). Off unless an OTLP endpoint (or an exporter) is given: with no provider
 * registered, the API's no-op tracer makes every span call free and nothing is propagated.
 * The instrumentations that create the spans are installed before the app loads (register.ts).
 */
export function initTracing(service: string, env: TracingConfig, options: InitTracingOptions = {}): Tracing {
  const config = tracingConfigSchema.parse(env);
  if (!config.OTEL_EXPORTER_OTLP_ENDPOINT && !options.exporter) return disabled;

  const processor = options.exporter
    ? new SimpleSpanProcessor({ exporter: options.exporter })
    : new BatchSpanProcessor({
        exporter: new OTLPTraceExporter({ url: `${config.OTEL_EXPORTER_OTLP_ENDPOINT!.replace(/\/+$/, '')}/v1/traces` }),
        // Bounded: a collector outage drops spans instead of growing the heap.
        maxQueueSize: 2_048,
        scheduledDelayMillis: 1_000,
      });
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.OTEL_TRACES_SAMPLER_ARG) }),
    spanProcessors: [processor],
  });
  provider.register();
  active = true;

  return {
    enabled: true,
    async shutdown() {
      active = false;
      await provider.forceFlush().catch(() => undefined);
      await provider.shutdown().catch(() => undefined);
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}
