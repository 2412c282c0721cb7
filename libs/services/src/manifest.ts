import type { QueueName } from '@voicepulse/queues';
import type { z } from 'zod';

export interface ConfigIssue {
  variable: string;
  message: string;
}

/** The environment variables a schema reads (its input keys). */
export type VariableOf<S extends z.ZodType> = keyof z.input<S> & string;

/**
 * Everything a service declares about itself, once: the environment it reads, the queues it
 * consumes and produces, and the ports it listens on. The worker shell wires consumers from it,
 * and the shipped configuration (chart, compose) and the README's configuration table are checked
 * against or generated from it (scripts/services.test.ts, scripts/gen-config-docs.ts).
 */
export interface ServiceManifest<
  S extends z.ZodType = z.ZodType,
  C extends QueueName = QueueName,
  P extends QueueName = QueueName,
> {
  /** Logger and metrics label; also the chart component and the compose service of that name. */
  name: string;
  /** The bundled entry point the service's container runs (its `args[0]`). */
  entry: string;
  /** Parsed once at start-up (loadConfigOrExit); every variable carries a `.describe()`. */
  config: S;
  /** Variables a lib parses on its own from the same environment (tracing), described likewise. */
  alsoReads: readonly z.ZodType[];
  /** Rules the service checks after parsing, at start-up (the scorer's cross-field analysis rules). */
  validate?(config: z.output<S>): ConfigIssue[];
  /** Queues this service, and no other, consumes. */
  consumes: readonly C[];
  /** The queue whose backlog scales the service (KEDA watches its wait list). */
  scaleOn?: NoInfer<C>;
  /** Queues this service adds jobs to (its own scheduled ones included). */
  produces: readonly P[];
  /** Ports it listens on, by container port name, each set by a variable of its config. */
  ports: Readonly<Record<string, VariableOf<S>>>;
}

/** Any service's manifest; its config reads some environment, so its ports name any variable. */
export type AnyServiceManifest = ServiceManifest<z.ZodType<unknown, Record<string, unknown>>, QueueName, QueueName>;

/** Identity with literal inference, so `consumes` types the worker's handlers and producers. */
export function defineService<
  S extends z.ZodType,
  const C extends QueueName = never,
  const P extends QueueName = never,
>(manifest: ServiceManifest<S, C, P>): ServiceManifest<S, C, P> {
  return manifest;
}
