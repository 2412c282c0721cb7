import { decodeWav, downmix, talkedTimeMs } from '@voicepulse/audio';
import { synthesizeSpeech } from '@voicepulse/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { analysisConfigSchema, createAnalyzer, ModelError, type Analyzer } from '../src';
import { SileroVad, WebRtcVad } from '../src/vad';
import { writeHalfMeansModel } from './tiny-model';

const open: { close(): Promise<void> }[] = [];
afterAll(async () => {
  await Promise.all(open.map((a) => a.close()));
});

/** espeak-ng speech in 1.5 s of silence each side, under seeded white noise at the SNR (over the speech). */
function noisy(snrDb: number) {
  const clip = synthesizeSpeech(
    'Hello, I am calling about the order I placed last week for the new kitchen table.',
    {
      padS: 1.5,
    },
  );
  const x = downmix(decodeWav(clip.wav));
  const from = Math.round(1.5 * 16_000);
  const to = from + Math.round((clip.speechMs / 1000) * 16_000);
  let p = 0;
  for (let i = from; i < to; i++) p += x[i]! ** 2;
  const noiseRms = Math.sqrt(p / (to - from)) / 10 ** (snrDb / 20);
  let seed = 7;
  const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  // Uniform on [-a, a] has RMS a/√3.
  for (let i = 0; i < x.length; i++) x[i]! += rand() * noiseRms * Math.sqrt(3);
  return { samples: x, speechMs: clip.speechMs };
}

describe('Silero VAD', () => {
  it('counts talk time within 10 % under white noise at 5 dB, where the WebRTC gate lets the noise through', async () => {
    const silero = await SileroVad.create();
    open.push(silero);
    const { samples, speechMs } = noisy(5);
    const err = (ms: number) => Math.abs(ms - speechMs) / speechMs;
    const sileroErr = err(talkedTimeMs(await silero.detect(samples)));
    const webrtcErr = err(talkedTimeMs(await new WebRtcVad(3).detect(samples)));
    expect(sileroErr).toBeLessThan(0.1);
    expect(webrtcErr).toBeGreaterThan(sileroErr);
  });

  it('finds no speech in silence or in noise alone', async () => {
    const silero = await SileroVad.create();
    open.push(silero);
    expect(await silero.detect(new Float32Array(16_000 * 2))).toEqual([]);
    let seed = 3;
    const noise = Float32Array.from(
      { length: 16_000 * 3 },
      () => (((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31) * 2 - 1) * 0.1,
    );
    expect(await silero.detect(noise)).toEqual([]);
  });

  it('refuses a model that is not Silero VAD', async () => {
    const err = await SileroVad.create({ modelPath: writeHalfMeansModel(8000) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelError);
    expect((err as Error).message).toMatch(/is not Silero VAD v4/);
  });
});

describe('VAD_ENGINE', () => {
  const make = async (env: Record<string, string>, deps: Parameters<typeof createAnalyzer>[1] = {}) => {
    const a: Analyzer = await createAnalyzer(
      analysisConfigSchema.parse({ TRANSCRIBER: 'none', ...env }),
      deps,
    );
    open.push(a);
    return a;
  };

  it('is Silero by default and WebRTC on request', async () => {
    expect((await make({})).vad).toEqual({ name: 'silero', version: 'silero-vad-v4' });
    expect((await make({ VAD_ENGINE: 'webrtc', VAD_MODE: '2' })).vad).toEqual({
      name: 'webrtc',
      version: 'fvad-mode2',
    });
  });

  it('falls back to WebRTC, with a warning, when the Silero model cannot load', async () => {
    const warnings: string[] = [];
    const a = await make(
      {},
      {
        sileroModelPath: '/nonexistent/silero_vad.onnx',
        logger: { info: () => {}, warn: (_o, msg) => warnings.push(msg ?? '') },
      },
    );
    expect(a.vad.name).toBe('webrtc');
    expect(warnings).toContainEqual(expect.stringMatching(/Silero VAD unavailable; falling back/));
    const r = await a.analyze(synthesizeSpeech('Thanks a lot for your help.', { padS: 1 }).wav, {});
    expect(r.talkedTimeMs).toBeGreaterThan(0);
  });
});
