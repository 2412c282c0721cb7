import { migrateConfigSchema } from '@voicepulse/db';
import { defineService, TRACING_ENV } from '@voicepulse/services';
import { gatewayConfigSchema } from './config';

export const gatewayService = defineService({
  name: 'gateway',
  entry: 'apps/gateway/dist/main.mjs',
  config: gatewayConfigSchema,
  alsoReads: [TRACING_ENV],
  consumes: [],
  produces: ['transcode', 'metrics'],
  ports: { http: 'PORT', metrics: 'HEALTH_PORT' },
});

/** The migration CLI from the gateway image: the chart's migrations Job and every pod's wait-for-schema. */
export const migrateService = defineService({
  name: 'migrate',
  entry: 'apps/gateway/dist/migrate.mjs',
  config: migrateConfigSchema,
  alsoReads: [],
  consumes: [],
  produces: [],
  ports: {},
});
