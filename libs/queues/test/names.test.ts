import { describe, expect, it } from 'vitest';
import { ALL_QUEUES, QUEUE_CONSUMER, WORKER_QUEUES, consumerMismatch } from '../src';

describe('queue consumers', () => {
  it('gives every queue exactly one consuming service', () => {
    expect(Object.keys(QUEUE_CONSUMER).sort()).toEqual([...ALL_QUEUES].sort());
    const consumed = Object.values(WORKER_QUEUES).flat();
    expect(consumed.length).toBe(new Set(consumed).size);
  });

  it('names what a worker consumes that is not its own, and what it forgot', () => {
    expect(consumerMismatch('ingestor', ['metrics', 'maintenance'])).toBeNull();
    expect(consumerMismatch('scorer', ['score', 'transcode'])).toBe('scorer must consume exactly score; it also consumes transcode');
    expect(consumerMismatch('ingestor', ['metrics'])).toBe('ingestor must consume exactly metrics, maintenance; it does not consume maintenance');
  });
});
