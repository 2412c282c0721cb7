import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import wf from 'wavefile';
import { describe, expect, it } from 'vitest';
import { CorruptAudioError, UnsupportedAudioError } from '../src/errors';
import { floatToInt16 } from '../src/pcm';
import { decodeWav, downmix, encodeWavPcm16 } from '../src/wav';
import { rng, run, tempDir, tone } from './signals';

const { WaveFile } = wf;

type Depth = '8' | '16' | '24' | '32' | '32f' | '64';

/** Quantise float samples to what wavefile expects for each bit depth. */
function toWavefileSamples(x: Float32Array, depth: Depth): number[] {
  const scale: Record<Depth, number> = { '8': 128, '16': 32768, '24': 8388608, '32': 2147483648, '32f': 1, '64': 1 };
  const s = scale[depth];
  return Array.from(x, (v) => {
    if (depth === '32f' || depth === '64') return v;
    const q = Math.max(-s, Math.min(s - 1, Math.round(v * s)));
    return depth === '8' ? q + 128 : q;
  });
}

function fixture(depth: Depth, rate: number, channels: Float32Array[]): Uint8Array {
  const w = new WaveFile();
  w.fromScratch(
    channels.length,
    rate,
    depth,
    channels.map((c) => toWavefileSamples(c, depth)),
  );
  return w.toBuffer();
}

const TOLERANCE: Record<Depth, number> = { '8': 1 / 128, '16': 1 / 32768, '24': 1e-6, '32': 1e-7, '32f': 1e-7, '64': 1e-7 };

describe('decodeWav', () => {
  const layouts = [
    { name: 'mono', count: 1, rate: 11_025 },
    { name: 'stereo', count: 2, rate: 44_100 },
    { name: '5.1', count: 6, rate: 7_350 },
  ];
  for (const depth of ['8', '16', '24', '32', '32f', '64'] as Depth[]) {
    for (const { name, count, rate } of layouts) {
      it(`decodes ${depth}-bit ${name} at ${rate} Hz`, () => {
        const channels = Array.from({ length: count }, (_, c) => tone(200 + 150 * c, rate, 0.05, 0.9 - 0.1 * c));
        const audio = decodeWav(fixture(depth, rate, channels));
        expect(audio.sampleRate).toBe(rate);
        expect(audio.channels).toHaveLength(count);
        for (let c = 0; c < count; c++) {
          const got = audio.channels[c]!;
          expect(got.length).toBe(channels[c]!.length);
          let maxErr = 0;
          for (let i = 0; i < got.length; i++) maxErr = Math.max(maxErr, Math.abs(got[i]! - channels[c]![i]!));
          expect(maxErr).toBeLessThanOrEqual(TOLERANCE[depth]);
        }
      });
    }
  }

  it('rejects a truncated data chunk', () => {
    const wav = fixture('16', 16_000, [tone(440, 16_000, 0.5)]);
    expect(() => decodeWav(wav.subarray(0, wav.length - 1000))).toThrow(CorruptAudioError);
  });

  it('rejects an absurd data chunk size', () => {
    const wav = fixture('16', 16_000, [tone(440, 16_000, 0.1)]);
    new DataView(wav.buffer, wav.byteOffset).setUint32(40, 0x7ffffff0, true);
    expect(() => decodeWav(wav)).toThrow(CorruptAudioError);
  });

  it('rejects a chunk that runs past the end of the file before the data', () => {
    const wav = fixture('16', 16_000, [tone(440, 16_000, 0.1)]);
    const junk = new Uint8Array([...Buffer.from('LIST'), 0xf0, 0xff, 0xff, 0x7f]);
    const broken = new Uint8Array([...wav.subarray(0, 36), ...junk, ...wav.subarray(36)]);
    expect(() => decodeWav(broken)).toThrow(CorruptAudioError);
  });

  it('rejects random bytes and a header-only file', () => {
    const r = rng(7);
    const garbage = Uint8Array.from({ length: 4096 }, () => Math.floor(r() * 256));
    expect(() => decodeWav(garbage)).toThrow(CorruptAudioError);
    const wav = fixture('16', 16_000, [tone(440, 16_000, 0.1)]);
    expect(() => decodeWav(wav.subarray(0, 30))).toThrow(CorruptAudioError);
  });

  it('reports compressed WAV codecs as unsupported', () => {
    const w = new WaveFile();
    w.fromScratch(1, 8000, '16', toWavefileSamples(tone(440, 8000, 0.1), '16'));
    w.toMuLaw();
    expect(() => decodeWav(w.toBuffer())).toThrow(UnsupportedAudioError);
  });

  it('reads RF64 (sizes in the ds64 chunk), as written by ffmpeg -rf64 always', async () => {
    const dir = tempDir('rf64');
    const src = join(dir, 'in.wav');
    const out = join(dir, 'rf64.wav');
    writeFileSync(src, fixture('16', 16_000, [tone(440, 16_000, 0.25)]));
    await run('ffmpeg', ['-y', '-loglevel', 'error', '-i', src, '-c:a', 'pcm_s24le', '-rf64', 'always', out]);
    const bytes = readFileSync(out);
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('RF64');
    const audio = decodeWav(bytes);
    expect(audio.channels[0]!.length).toBe(4000);
    expect(audio.channels[0]![1000]).toBeCloseTo(0.5 * Math.sin((2 * Math.PI * 440 * 1000) / 16_000), 3);
  });

  it('accepts the streaming "unknown size" marker and reads to the end', () => {
    const wav = fixture('16', 16_000, [tone(440, 16_000, 0.1)]);
    new DataView(wav.buffer, wav.byteOffset).setUint32(40, 0xffffffff, true);
    expect(decodeWav(wav).channels[0]!.length).toBe(1600);
  });
});

describe('downmix', () => {
  it('averages channels', () => {
    const a = Float32Array.from([1, 0.5, -1]);
    const b = Float32Array.from([0, 0.5, 1]);
    expect(Array.from(downmix({ sampleRate: 8000, channels: [a, b] }))).toEqual([0.5, 0.5, 0]);
  });

  it("gives the stereo fast path the general loop's result, and averages three channels", () => {
    const r = rng(3);
    const [a, b, c] = [0, 1, 2].map(() => Float32Array.from({ length: 1000 }, () => r() * 2 - 1)) as [
      Float32Array,
      Float32Array,
      Float32Array,
    ];
    const expected = Float32Array.from(a, (v, i) => Math.fround(Math.fround(v + b[i]!) * 0.5));
    expect(downmix({ sampleRate: 8000, channels: [a, b] })).toEqual(expected);
    const three = downmix({ sampleRate: 8000, channels: [a, b, c] });
    expect(three[7]).toBeCloseTo((a[7]! + b[7]! + c[7]!) / 3, 6);
  });
});

describe('floatToInt16', () => {
  it('rounds like Math.round and clips, with NaN as 0', () => {
    const r = rng(5);
    const x = Float32Array.from({ length: 20_000 }, () => (r() * 2.2 - 1.1) * (r() < 0.5 ? 1 : 1e-3));
    // Exact halves (k + 0.5)/32768 and the clipping edges, where rounding shortcuts go wrong.
    x.set([-1.5 / 32768, -0.5 / 32768, 0.5 / 32768, 1.5 / 32768, 32766.5 / 32768, -32767.5 / 32768, -1, 1, -2, 2, NaN]);
    const expected = Int16Array.from(x, (v) =>
      Number.isNaN(v) ? 0 : Math.max(-32768, Math.min(32767, Math.round(v * 32768))),
    );
    expect(floatToInt16(x)).toEqual(expected);
  });
});

describe('encodeWavPcm16', () => {
  it('writes the same bytes as wavefile and round-trips', () => {
    const x = tone(440, 16_000, 0.2, 0.7);
    x[10] = 1.5; // clipped, not wrapped
    const ours = encodeWavPcm16(x, 16_000);

    const ref = new WaveFile();
    ref.fromScratch(1, 16_000, '16', Int16Array.from(x, (v) => Math.max(-32768, Math.min(32767, Math.round(v * 32768)))));
    expect(Buffer.compare(ours, Buffer.from(ref.toBuffer()))).toBe(0);

    const back = decodeWav(ours);
    expect(back.sampleRate).toBe(16_000);
    expect(back.channels[0]![10]).toBeCloseTo(32767 / 32768, 6);
    expect(back.channels[0]![100]).toBeCloseTo(x[100]!, 4);
  });
});
