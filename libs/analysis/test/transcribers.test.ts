import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TranscriberUnavailableError, TranscriptionError } from '../src/errors';
import { analysisConfigSchema } from '../src/config';
import { createTranscriber } from '../src/transcribers';
import { parsePocketsphinx, PocketsphinxTranscriber } from '../src/transcribers/pocketsphinx';
import { parseWhisperJson, WhisperTranscriber } from '../src/transcribers/whisper';
import { synthesizeSpeech } from '@voicepulse/testing';

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
    const t = parsePocketsphinx(out);
    expect(t).toMatchObject({
      text: 'i really like it hello',
      segments: [
        { startMs: 490, endMs: 1800, text: 'i really like it' },
        { startMs: 4100, endMs: 4600, text: 'hello' },
      ],
    });
    expect(t.words).toEqual([
      { word: 'i', startMs: 490, endMs: 590, confidence: 0.722717 },
      { word: 'really', startMs: 600, endMs: 900, confidence: 0.767182 },
      { word: 'like', startMs: 1510, endMs: 1700, confidence: 0.5 },
      { word: 'it', startMs: 1710, endMs: 1800, confidence: 0.5 },
      { word: 'hello', startMs: 4100, endMs: 4600, confidence: 0.9 },
    ]);
    // Duration-weighted posteriors: (100·0.722717 + 300·0.767182 + 190·0.5 + 90·0.5) / 680.
    expect(t.segments[0]!.confidence).toBeCloseTo((72.2717 + 230.1546 + 95 + 45) / 680, 6);
    expect(t.segments[1]!.confidence).toBe(0.9);
    expect(t.confidence).toBeCloseTo((72.2717 + 230.1546 + 95 + 45 + 450) / 1180, 6);
  });

  it('transcribes an espeak-ng clip into timed segments inside the clip', async () => {
    const { wav, speechMs } = synthesizeSpeech(
      'Thank you very much for the quick help, everything works now.',
      {
        padS: 0.5,
      },
    );
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

  it('is unavailable when the binary runs but finds no acoustic model', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vp-ps-'));
    const bin = join(dir, 'pocketsphinx_continuous');
    // The real binary pointed at an empty model folder, as on a host without pocketsphinx-en-us.
    writeFileSync(bin, `#!/bin/sh\nexec pocketsphinx_continuous "$@" -hmm ${dir}\n`);
    chmodSync(bin, 0o755);
    const a = await new PocketsphinxTranscriber(bin).available();
    expect(a).toEqual({ ok: false, reason: expect.stringMatching(/cannot decode.*acoustic model/s) });
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

  it('invokes the CLI with the model, a WAV file and JSON output, and reads the JSON back', async () => {
    // A stand-in for whisper-cli that records its arguments and answers like whisper.cpp does with -oj.
    const dir = mkdtempSync(join(tmpdir(), 'vp-whisper-cli-'));
    const model = join(dir, 'ggml-tiny.en.bin');
    writeFileSync(model, 'weights');
    const bin = join(dir, 'whisper-cli');
    writeFileSync(
      bin,
      [
        '#!/bin/sh',
        `echo "$@" > ${dir}/args`,
        'while [ $# -gt 0 ]; do case "$1" in -f) wav="$2";; -of) out="$2";; esac; shift; done',
        'head -c 4 "$wav" > ' + `${dir}/magic`,
        'printf \'{"transcription":[{"offsets":{"from":120,"to":1800},"text":" Thanks a lot."}]}\' > "$out.json"',
      ].join('\n'),
    );
    chmodSync(bin, 0o755);
    const stt = new WhisperTranscriber({ ...base, bin, modelPath: model, threads: 2 });
    expect(await stt.available()).toEqual({ ok: true });
    const { wav } = synthesizeSpeech('Thanks a lot.', { padS: 0.2 });
    expect(await stt.transcribe(wav)).toEqual({
      text: 'Thanks a lot.',
      segments: [{ startMs: 120, endMs: 1800, text: 'Thanks a lot.' }],
    });
    expect(readFileSync(join(dir, 'args'), 'utf8')).toMatch(
      new RegExp(`^-m ${model} -f \\S+/audio\\.wav -l en -t 2 -oj -of \\S+/out -np`),
    );
    expect(readFileSync(join(dir, 'magic'), 'utf8')).toBe('RIFF');
  });

  it('surfaces a failing CLI as a TranscriptionError with its stderr', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vp-whisper-cli-'));
    const bin = join(dir, 'whisper-cli');
    writeFileSync(bin, '#!/bin/sh\necho "error: failed to load model" >&2\nexit 3\n');
    chmodSync(bin, 0o755);
    const stt = new WhisperTranscriber({ ...base, bin, modelPath: bin });
    const err = await stt.transcribe(Buffer.from('RIFF')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TranscriptionError);
    expect((err as Error).message).toMatch(/failed to load model/);
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
