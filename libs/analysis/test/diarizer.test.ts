import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  AnalysisConfigError,
  analysisConfigSchema,
  createAnalyzer,
  createDiarizer,
  crossFieldIssues,
  DiarizerUnavailableError,
} from '../src';

const dir = mkdtempSync(join(tmpdir(), 'vp-diarizer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('diarizer configuration', () => {
  it('defaults to none and refuses unknown diarizers and impossible speaker counts', () => {
    const c = analysisConfigSchema.parse({});
    expect(c.DIARIZER).toBe('none');
    expect(analysisConfigSchema.safeParse({ DIARIZER: 'pyannote' }).success).toBe(false);
    expect(analysisConfigSchema.safeParse({ DIARIZER_NUM_SPEAKERS: '0' }).success).toBe(false);
    expect(analysisConfigSchema.parse({ DIARIZER_NUM_SPEAKERS: '2' }).DIARIZER_NUM_SPEAKERS).toBe(2);
  });

  it('sherpa-onnx without model paths is a start-up error naming both variables', async () => {
    const config = analysisConfigSchema.parse({ DIARIZER: 'sherpa-onnx', TRANSCRIBER: 'none' });
    expect(crossFieldIssues(config).map((i) => i.variable)).toEqual([
      'DIARIZER_SEGMENTATION_MODEL',
      'DIARIZER_EMBEDDING_MODEL',
    ]);
    await expect(createAnalyzer(config)).rejects.toBeInstanceOf(AnalysisConfigError);
  });

  it('model files that do not exist fail createAnalyzer with a typed error before anything loads', async () => {
    const config = analysisConfigSchema.parse({
      DIARIZER: 'sherpa-onnx',
      TRANSCRIBER: 'none',
      DIARIZER_SEGMENTATION_MODEL: join(dir, 'missing-seg.onnx'),
      DIARIZER_EMBEDDING_MODEL: join(dir, 'missing-emb.onnx'),
    });
    const err = await createAnalyzer(config).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DiarizerUnavailableError);
    expect((err as Error).message).toBe(
      `diarizer sherpa-onnx is unavailable: DIARIZER_SEGMENTATION_MODEL names ${join(dir, 'missing-seg.onnx')}, which does not exist; ` +
        `DIARIZER_EMBEDDING_MODEL names ${join(dir, 'missing-emb.onnx')}, which does not exist`,
    );
  });

  it('a file that is not an ONNX model is refused with a typed error (sherpa-onnx itself would abort the process)', async () => {
    const junk = join(dir, 'junk.onnx');
    writeFileSync(junk, Buffer.from('this is not a protobuf model'));
    const err = await createDiarizer({
      DIARIZER: 'sherpa-onnx',
      DIARIZER_SEGMENTATION_MODEL: junk,
      DIARIZER_EMBEDDING_MODEL: junk,
      DIARIZER_NUM_SPEAKERS: 2,
      DIARIZER_THRESHOLD: 0.5,
      DIARIZER_THREADS: 1,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DiarizerUnavailableError);
    expect((err as Error).message).toContain(`${junk} is not a loadable ONNX model`);
  });

  it('DIARIZER=none builds no diarizer, and the analyzer says so', async () => {
    expect(await createDiarizer(analysisConfigSchema.parse({}))).toBeNull();
    const analyzer = await createAnalyzer(analysisConfigSchema.parse({ TRANSCRIBER: 'none', VAD_ENGINE: 'webrtc' }));
    expect(analyzer.diarizer).toBe('none');
    await analyzer.close();
  });

  it("sherpa-onnx-node's linux-x64 native addon loads from node_modules (no download)", () => {
    const addon = createRequire(import.meta.url)('sherpa-onnx-node') as Record<string, unknown>;
    expect(typeof addon.OfflineSpeakerDiarization).toBe('function');
  });
});
