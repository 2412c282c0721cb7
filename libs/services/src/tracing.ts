import { tracingConfigSchema } from '@voicepulse/tracing';
import { withDescriptions } from './variables';

/**
 * What libs/tracing reads from every service's environment (initTracing parses it itself). Its
 * schema has no descriptions of its own, so the README's are attached here.
 */
export const TRACING_ENV = withDescriptions(tracingConfigSchema, {
  OTEL_EXPORTER_OTLP_ENDPOINT:
    "OTLP/HTTP endpoint (unset: tracing off); one trace per request across services (HTTP, Express, pg, ioredis, AWS SDK auto-instrumented, BullMQ's telemetry; the bundles' `main.mjs` installs the hooks, under tsx add `--import ./libs/tracing/src/register.ts`)",
  OTEL_TRACES_SAMPLER_ARG: 'fraction of new traces recorded (0–1); child spans follow their parent',
});
