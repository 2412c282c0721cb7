import { defineService, TRACING_ENV } from '@voicepulse/services';
import { transcoderConfigSchema } from './config';

export const transcoderService = defineService({
  name: 'transcoder',
  entry: 'apps/transcoder/dist/main.mjs',
  config: transcoderConfigSchema,
  alsoReads: [TRACING_ENV],
  // Webhook deliveries ride along here: the transcoder already holds the egress rule for them.
  consumes: ['transcode', 'housekeeping', 'webhooks'],
  scaleOn: 'transcode',
  // transcode and score again when reconciling recordings whose job was lost.
  produces: ['score', 'transcode', 'housekeeping', 'webhooks'],
  ports: { metrics: 'HEALTH_PORT' },
});
