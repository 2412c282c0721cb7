import { ALL_QUEUES, type QueueName } from '@voicepulse/queues';
import type { AnyServiceManifest } from './manifest';

/**
 * Which service consumes each queue, from the manifests, with everything that makes the answer
 * wrong: a queue consumed by two services or by none, a queue nobody produces or nobody consumes,
 * a name that is no queue, a service scaled on a queue it does not consume.
 */
export function queueOwners(
  manifests: readonly AnyServiceManifest[],
  queues: readonly string[] = ALL_QUEUES,
): { owner: Partial<Record<QueueName, string>>; problems: string[] } {
  const owner: Partial<Record<QueueName, string>> = {};
  const problems: string[] = [];
  const produced = new Set<string>();
  for (const m of manifests) {
    for (const q of [...m.consumes, ...m.produces]) {
      if (!queues.includes(q)) problems.push(`${m.name} names ${q}, which is no queue`);
    }
    for (const q of m.consumes) {
      const other = owner[q];
      if (other) problems.push(`queue ${q} is consumed by both ${other} and ${m.name}`);
      else owner[q] = m.name;
    }
    for (const q of m.produces) produced.add(q);
    if (m.scaleOn && !m.consumes.includes(m.scaleOn))
      problems.push(`${m.name} is scaled on ${m.scaleOn}, which it does not consume`);
  }
  for (const q of queues) {
    if (!owner[q as QueueName]) problems.push(`no service consumes ${q}`);
    if (!produced.has(q)) problems.push(`no service produces ${q}`);
  }
  return { owner, problems };
}

/** A worker's consumers must be exactly the queues its manifest declares. */
export function consumerMismatch(
  manifest: Pick<AnyServiceManifest, 'name' | 'consumes'>,
  consumed: readonly string[],
): string | null {
  const declared: readonly string[] = manifest.consumes;
  const extra = consumed.filter((q) => !declared.includes(q));
  const missing = declared.filter((q) => !consumed.includes(q));
  if (!extra.length && !missing.length) return null;
  return `${manifest.name} must consume exactly ${declared.join(', ') || 'no queue'}${extra.length ? `; it also consumes ${extra.join(', ')}` : ''}${missing.length ? `; it does not consume ${missing.join(', ')}` : ''}`;
}
