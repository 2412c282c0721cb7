// Generated from the zod schemas by scripts/lib/validators.ts. Do not edit: `npm run generate:validators`
// rewrites it, and scripts/validators.test.ts fails when it is stale.
import type { MetricsJob } from './payloads';

/** `metricsJobSchema`, checked by the producer and again by the consumer of every metrics job. Accepts only what the schema accepts, and only as the schema would output it, so an accepted value is used as is; send what it refuses through the schema for the field-by-field reasons (or its defaults and stripping). */
export declare const isMetricsJob: (value: unknown) => value is MetricsJob;
