import type { Logger } from '@voicepulse/logger';

export interface ShutdownStep {
  name: string;
  run: () => Promise<unknown>;
}

export interface ShutdownController {
  readonly shuttingDown: boolean;
  /** Runs the steps in order (stop intake → drain → close pools) once; later calls share the promise. */
  shutdown(reason: string): Promise<void>;
}

/**
 * SIGTERM/SIGINT handling shared by every service. Steps run in order so intake stops before pools
 * close; the whole sequence is bounded by `timeoutMs` (Kubernetes' grace period is longer), after
 * which the process exits non-zero and stalled-job recovery takes over.
 */
export function installShutdown(
  logger: Logger,
  steps: ShutdownStep[],
  { timeoutMs, exit = true }: { timeoutMs: number; exit?: boolean },
): ShutdownController {
  let running: Promise<void> | undefined;
  const controller: ShutdownController = {
    get shuttingDown() {
      return running !== undefined;
    },
    shutdown(reason: string) {
      running ??= (async () => {
        logger.info({ reason, timeoutMs }, 'shutting down');
        const timer = setTimeout(() => {
          logger.error({ timeoutMs }, 'shutdown timed out; exiting');
          if (exit) process.exit(1);
        }, timeoutMs);
        timer.unref();
        let failed = false;
        for (const step of steps) {
          try {
            await step.run();
            logger.debug({ step: step.name }, 'shutdown step done');
          } catch (err) {
            failed = true;
            logger.error({ err, step: step.name }, 'shutdown step failed');
          }
        }
        clearTimeout(timer);
        logger.info('shutdown complete');
        if (exit) process.exit(failed ? 1 : 0);
      })();
      return running;
    },
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => void controller.shutdown(signal));
  }
  return controller;
}
