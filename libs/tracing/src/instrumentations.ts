import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { AwsInstrumentation } from '@opentelemetry/instrumentation-aws-sdk';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { createAddHookMessageChannel } from 'import-in-the-middle';
import { register } from 'node:module';

/** Polled by probes and Prometheus every few seconds: a trace each would bury the real ones. */
const UNTRACED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

let installing: Promise<void> | undefined;

/**
 * Patches http, express, pg, ioredis and the AWS SDK as they load, so their spans join the active
 * trace (BullMQ's own spans come from its telemetry option, libs/queues). Idempotent.
 *
 * It must run before those packages are first imported. The services are ESM: an `import` of a
 * package is seen by no require hook, only by import-in-the-middle's loader hook, and a loader hook
 * applies to modules loaded after it is registered, never to the static import graph of the module
 * that registers it. Hence register.ts, loaded ahead of the service (see scripts/build-app.mjs).
 * The message channel limits import-in-the-middle to the modules hooked here instead of wrapping
 * every module the service loads.
 */
export function installInstrumentations(): Promise<void> {
  installing ??= (async () => {
    const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
    register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);
    registerInstrumentations({
      instrumentations: [
        new HttpInstrumentation({
          ignoreIncomingRequestHook: (req) => UNTRACED_PATHS.has((req.url ?? '').split('?')[0]!),
          // The gateway's request id is the correlation id of every log line of the request.
          headersToSpanAttributes: { server: { responseHeaders: ['x-request-id'] } },
        }),
        new ExpressInstrumentation(),
        // Only inside a trace: pool connects and readiness pings alone are noise.
        new PgInstrumentation({ requireParentSpan: true }),
        new IORedisInstrumentation({ requireParentSpan: true }),
        new AwsInstrumentation(),
      ],
    });
    await waitForAllMessagesAcknowledged();
  })();
  return installing;
}
