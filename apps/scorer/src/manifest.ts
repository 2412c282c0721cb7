import { crossFieldIssues } from '@voicepulse/analysis';
import { defineService, TRACING_ENV } from '@voicepulse/services';
import { scorerConfigSchema } from './config';

export const scorerService = defineService({
  name: 'scorer',
  entry: 'apps/scorer/dist/main.mjs',
  config: scorerConfigSchema,
  alsoReads: [TRACING_ENV],
  // createAnalyzer applies these at start-up.
  validate: crossFieldIssues,
  consumes: ['score'],
  scaleOn: 'score',
  produces: ['metrics', 'webhooks'],
  ports: { metrics: 'HEALTH_PORT' },
});
