import { createRedis } from '@voicepulse/queues';
import { deleteRedisPrefix, testRedisUrl, uniquePrefix } from '@voicepulse/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  consumerMismatch,
  declaredProducers,
  defineService,
  queueOwners,
  schemaVariables,
  withDescriptions,
} from '../src';

const service = (
  name: string,
  consumes: ('transcode' | 'score')[],
  produces: ('transcode' | 'score')[] = [],
) =>
  defineService({
    name,
    entry: `${name}.mjs`,
    config: z.object({}),
    alsoReads: [],
    consumes,
    produces,
    ports: {},
  });

describe('queueOwners', () => {
  it('maps each queue to its one consumer', () => {
    const r = queueOwners(
      [service('a', ['transcode'], ['score']), service('b', ['score'], ['transcode'])],
      ['transcode', 'score'],
    );
    expect(r).toEqual({ owner: { transcode: 'a', score: 'b' }, problems: [] });
  });

  it('names a queue consumed twice, consumed by none, produced by none, and an unknown name', () => {
    const { problems } = queueOwners(
      [service('a', ['transcode'], ['transcode']), service('b', ['transcode'])],
      ['transcode', 'score', 'metrics'],
    );
    expect(problems).toEqual([
      'queue transcode is consumed by both a and b',
      'no service consumes score',
      'no service produces score',
      'no service consumes metrics',
      'no service produces metrics',
    ]);
    expect(queueOwners([service('a', ['score'], ['score'])], ['score', 'x']).problems).toContain(
      'no service consumes x',
    );
    expect(queueOwners([service('a', ['score'], ['score'])], ['transcode']).problems).toContain(
      'a names score, which is no queue',
    );
  });

  it('refuses scaling on a queue the service does not consume', () => {
    const m = { ...service('a', ['transcode'], ['transcode']), scaleOn: 'score' as never };
    expect(queueOwners([m], ['transcode']).problems).toEqual([
      'a is scaled on score, which it does not consume',
    ]);
  });
});

describe('consumerMismatch', () => {
  const ingestor = { name: 'ingestor', consumes: ['metrics', 'maintenance'] as const };
  it('names what a worker consumes that is not its own, and what it forgot', () => {
    expect(consumerMismatch(ingestor, ['maintenance', 'metrics'])).toBeNull();
    expect(consumerMismatch({ name: 'scorer', consumes: ['score'] }, ['score', 'transcode'])).toBe(
      'scorer must consume exactly score; it also consumes transcode',
    );
    expect(consumerMismatch(ingestor, ['metrics'])).toBe(
      'ingestor must consume exactly metrics, maintenance; it does not consume maintenance',
    );
  });
});

describe('schemaVariables', () => {
  it('reads names, descriptions, input defaults and enums through intersections and transforms', () => {
    const schema = z
      .object({
        A: z.coerce.number().default(3).describe('a number'),
        B: z.enum(['x', 'y']).default('x').describe('a choice'),
      })
      .and(
        z
          .object({
            C: z
              .string()
              .default('p,q')
              .transform((s) => s.split(','))
              .describe('a list'),
            D: z.string().optional(),
          })
          .superRefine(() => undefined),
      );
    expect(schemaVariables(schema)).toEqual([
      { name: 'A', description: 'a number', default: '3' },
      { name: 'B', description: 'a choice', default: 'x', enum: ['x', 'y'] },
      { name: 'C', description: 'a list', default: 'p,q' },
      { name: 'D' },
    ]);
  });

  it('withDescriptions describes a schema it does not own without changing what it parses', () => {
    const lib = z.object({ X: z.coerce.number().min(1).default(2) });
    const described = withDescriptions(lib, { X: 'the x' });
    expect(schemaVariables(described)).toEqual([{ name: 'X', description: 'the x', default: '2' }]);
    expect(described.safeParse({ X: '0' }).success).toBe(false);
  });
});

describe('declaredProducers', () => {
  it('makes producers for the declared queues only, on the real Redis, and closes them', async () => {
    const redis = createRedis(testRedisUrl(), 'producer');
    const prefix = uniquePrefix('declared');
    const producers = declaredProducers(service('a', [], ['score']), redis, prefix);
    try {
      const score = producers.producer('score');
      const recordingId = crypto.randomUUID();
      await score.add({ recordingId, userId: 'u', correlationId: 'c' }, { jobId: `score-${recordingId}` });
      expect(await score.queue.getJobCounts('waiting')).toEqual({ waiting: 1 });
      // The type refuses another queue; a cast gets past the type, not past the check.
      expect(() => producers.producer('transcode' as 'score')).toThrow('a does not produce transcode');
    } finally {
      await producers.close();
      redis.disconnect();
      await deleteRedisPrefix(prefix);
    }
  });
});
