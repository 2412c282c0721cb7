import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TranscriberUnavailableError } from '../src/errors';
import { analysisConfigSchema } from '../src/config';
import { createTranscriber } from '../src/transcribers';
import { parsePocketsphinx, PocketsphinxTranscriber } from '../src/transcribers/pocketsphinx';
import { parseWhisperJson, WhisperTranscriber } from '../src/transcribers/whisper';
import { speechWav } from './fixtures';

describe('pocketsphinx', () => {
  it('parses utterances, drops fillers and pronunciation variants', () => {
    const out = [
      'i really like it',
      '<s> 0.000 0.480 0.998801',
      'i 0.490 0.590 0.722717',
      'really(2) 0.600 0.900 0.767182',
      '<sil> 1.110 1.430 0.971996',
      '[NOISE] 1.430 1.500 0.9',
      'like 1.510 1.700 0.5',
      'it 1.710 1.800 0.5',
      '</s> 1.810 2.000 1.000000',
      'hello',
      '<s> 4.000 4.100 1',
      'hello 4.100 4.600 0.9',
      '</s> 4.600 4.800 1',
    ].join('\n');
    expect(parsePocketsphinx(out)).toEqual({
      text: 'i really like it hello',
      segments: [
        { startMs: 490, endMs: 1800, text: 'i really like it' },
        { startMs: 4100, endMs: 4600, text: 'hello' },
      ],
    });
  });

  it('transcribes an espeak-ng clip into timed segments inside the clip', async () => {
    const { wav, speechMs } = speechWav('Thank you very much for the quick help, everything works now.', {
      padS: 0.5,
    });
    const stt = new PocketsphinxTranscriber();
    expect(await stt.available()).toEqual({ ok: true });
    const t = await stt.transcribe(wav);
    // Words are not asserted: pocketsphinx mishears synthetic speech (see NOTES.md); the shape is what we own.
    expect(t.text.trim()).not.toBe('');
    expect(t.segments.length).toBeGreaterThan(0);
    for (const s of t.segments) {
      expect(s.startMs).toBeGreaterThanOrEqual(0);
      expect(s.endMs).toBeGreaterThan(s.startMs);
      expect(s.endMs).toBeLessThanOrEqual(speechMs + 1000);
    }
  });

  it('reports a missing binary', async () => {
    const a = await new PocketsphinxTranscriber('/nonexistent/pocketsphinx_continuous').available();
    expect(a).toEqual({
      ok: false,
      reason: expect.stringContaining('/nonexistent/pocketsphinx_continuous not found'),
    });
  });
});

describe('whisper', () => {
  const base = { bin: 'whisper-cli', language: 'en', threads: 1, timeoutMs: 1000 };

  it('is unavailable with a clear reason when unconfigured', async () => {
    expect(await new WhisperTranscriber(base).available()).toEqual({
      ok: false,
      reason: 'WHISPER_MODEL_PATH is not set',
    });
  });

  it('names a configured model file that does not exist', async () => {
    const stt = createTranscriber(
      analysisConfigSchema.parse({ TRANSCRIBER: 'whisper', WHISPER_MODEL_PATH: '/models/ggml-base.en.bin' }),
    )!;
    expect(await stt.available()).toEqual({
      ok: false,
      reason: 'WHISPER_MODEL_PATH=/models/ggml-base.en.bin does not exist or is not readable',
    });
  });

  it('names a missing binary once the model exists', async () => {
    const model = join(mkdtempSync(join(tmpdir(), 'vp-whisper-')), 'ggml.bin');
    writeFileSync(model, 'not really a model');
    const a = await new WhisperTranscriber({
      ...base,
      bin: '/nonexistent/whisper-cli',
      modelPath: model,
    }).available();
    expect(a).toEqual({
      ok: false,
      reason: 'WHISPER_BIN=/nonexistent/whisper-cli not found or not executable',
    });
  });

  it('parses whisper.cpp JSON output', () => {
    const json = {
      transcription: [
        {
          timestamps: { from: '00:00:00,000', to: '00:00:02,000' },
          offsets: { from: 0, to: 2000 },
          text: ' Thanks a lot.',
        },
        { offsets: { from: 2000, to: 2500 }, text: ' ' },
        { offsets: { from: 2500, to: 4100 }, text: ' It works now.' },
      ],
    };
    expect(parseWhisperJson(json)).toEqual({
      text: 'Thanks a lot. It works now.',
      segments: [
        { startMs: 0, endMs: 2000, text: 'Thanks a lot.' },
        { startMs: 2500, endMs: 4100, text: 'It works now.' },
      ],
    });
    expect(() => parseWhisperJson({})).toThrow(/no "transcription" array/);
  });

  it('the error type carries transcriber and reason', () => {
    const e = new TranscriberUnavailableError('whisper', 'WHISPER_MODEL_PATH is not set');
    expect(e.message).toBe('transcriber whisper is unavailable: WHISPER_MODEL_PATH is not set');
  });
});
