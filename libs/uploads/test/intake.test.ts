import { encodeWavPcm16 } from '@voicepulse/audio';
import { recordingMetadataSchema } from '@voicepulse/contracts';
import { blobKeys } from '@voicepulse/recordings';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { newRecordingRow } from '../src';
import { peekHead } from '../src/head';
import { WAV_GUARD_BYTES, wavHeaderProblem } from '../src/wav-guard';

describe('newRecordingRow', () => {
  const ctx = { userId: 'alice', correlationId: 'req-1', idempotencyKey: 'key-1' };

  it('maps the metadata of streamed and direct uploads to the same columns', () => {
    const meta = recordingMetadataSchema.parse({
      sessionId: '6f1c5b0e-8d0b-4c55-9a57-0d7f1f3c1a11',
      transcript: 'hello',
      recordedAt: '2026-01-02T03:04:05Z',
      channels: 'agent,customer',
      microphoneUsed: 'false',
    });
    const row = newRecordingRow('0d6b3d52-5a2e-4f0c-8f7e-2f3e4c5d6e7f', ctx, meta, {
      contentType: 'audio/wav',
      sizeBytes: 42,
      sha256: 'abc',
    });
    expect(row).toMatchObject({
      userId: 'alice',
      status: 'uploaded',
      sessionId: meta.sessionId,
      microphoneUsed: false,
      speakerUsed: false,
      clientTranscript: 'hello',
      recordedAt: new Date('2026-01-02T03:04:05Z'),
      channelLayout: 'agent,customer',
      originalKey: blobKeys.original('alice', '0d6b3d52-5a2e-4f0c-8f7e-2f3e4c5d6e7f'),
      sizeBytes: 42,
      sha256: 'abc',
      correlationId: 'req-1',
      idempotencyKey: 'key-1',
    });
  });

  it('leaves the hash to its column default when a direct upload has none yet, and unset fields null', () => {
    const row = newRecordingRow(
      '0d6b3d52-5a2e-4f0c-8f7e-2f3e4c5d6e7f',
      { userId: 'bob', correlationId: 'c' },
      recordingMetadataSchema.parse({ channels: 'split' }),
      {
        contentType: 'audio/webm',
        sizeBytes: 7,
      },
    );
    expect(row).not.toHaveProperty('sha256');
    expect(row).toMatchObject({
      channelLayout: 'split',
      sessionId: null,
      promptId: null,
      idempotencyKey: null,
    });
  });
});

describe('wavHeaderProblem', () => {
  const wav = encodeWavPcm16(new Float32Array(1600), 16_000);

  it('accepts a canonical PCM header', () => {
    expect(wavHeaderProblem(wav.subarray(0, WAV_GUARD_BYTES))).toBeNull();
  });

  it('refuses impossible channel counts and truncated headers', () => {
    const noChannels = Buffer.from(wav);
    noChannels.writeUInt16LE(0, 22);
    expect(wavHeaderProblem(noChannels)).toMatch(/channel count 0/);
    expect(wavHeaderProblem(wav.subarray(0, 8))).toMatch(/truncated/);
  });
});

describe('peekHead', () => {
  it('returns the first bytes and a stream that replays them before the rest', async () => {
    const chunks = [Buffer.from('abc'), Buffer.from('defg'), Buffer.from('hij')];
    const { head, stream } = await peekHead(Readable.from(chunks), 5);
    expect(head.toString()).toBe('abcde');
    expect((await buffer(stream)).toString()).toBe('abcdefghij');
  });

  it('lets a discarded source flow to its end, so a refused request is not left waiting', async () => {
    const source = Readable.from([Buffer.alloc(10), Buffer.alloc(10), Buffer.alloc(10)]);
    const ended = new Promise((resolve) => source.once('end', resolve));
    const { discard } = await peekHead(source, 4);
    discard();
    discard();
    await ended;
  });
});
