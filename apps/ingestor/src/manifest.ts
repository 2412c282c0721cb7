import { defineService, TRACING_ENV } from '@voicepulse/services';
import { ingestorConfigSchema } from './config';

export const ingestorService = defineService({
  name: 'ingestor',
  entry: 'apps/ingestor/dist/main.mjs',
  config: ingestorConfigSchema,
  alsoReads: [TRACING_ENV],
  consumes: ['metrics', 'maintenance'],
  scaleOn: 'metrics',
  produces: ['maintenance'],
  ports: { metrics: 'HEALTH_PORT' },
});
