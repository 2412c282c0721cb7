import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, redactUrl, withCorrelation } from './index';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _enc, cb) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      cb();
    },
  });
  return { lines, destination };
}

describe('logger', () => {
  it('writes JSON with service, level label and correlation id', () => {
    const { lines, destination } = capture();
    const log = withCorrelation(createLogger({ service: 'gateway', destination }), 'req-123', { recordingId: 'r1' });
    log.info({ step: 'x' }, 'hello');
    expect(lines[0]).toMatchObject({ service: 'gateway', level: 'info', correlationId: 'req-123', recordingId: 'r1', msg: 'hello' });
  });

  it('redacts secrets wherever they appear', () => {
    const { lines, destination } = capture();
    const log = createLogger({ service: 's', destination });
    log.info({ req: { headers: { authorization: 'Bearer abc' } }, config: { AUTH_JWT_SECRET: 'shh' }, token: 't' });
    const text = JSON.stringify(lines[0]);
    expect(text).not.toContain('Bearer abc');
    expect(text).not.toContain('shh');
    expect(text).toContain('[redacted]');
  });

  it('strips passwords from URLs', () => {
    expect(redactUrl('redis://:hunter2@cache:6379/0')).toBe('redis://:***@cache:6379/0');
    expect(redactUrl('postgres://postgres@db/voicepulse')).toBe('postgres://postgres@db/voicepulse');
  });
});
