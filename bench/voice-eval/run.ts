/**
 * voice-eval: accuracy and speed of @voicepulse/analysis on generated, labelled sets (espeak-ng and
 * natural-sounding flite/festival voices) and on real recorded speech (LibriVox).
 *
 *   node --import tsx bench/voice-eval/run.ts [--per-label 30] [--stt-per-label 15]
 *     [--stt-only] [--stt-sets espeak-ng,natural] [--stt-conditions 'clean,white 20 dB,babble 20 dB']
 *
 * --stt-only runs just the "audio alone" table (no VAD/client-transcript tables, no LibriVox WER), for the
 * chosen voice sets and conditions; its rows are also printed as each finishes, so a cut-short run keeps them.
 * Prints markdown tables (no assertions). Generated audio is cached under $TMPDIR/vp-voice-eval.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import {
  analysisConfigSchema,
  createAnalyzer,
  PocketsphinxTranscriber,
  type RecordingAnalysis,
} from '@voicepulse/analysis';
import { decodeWav, downmix, encodeWavPcm16 } from '@voicepulse/audio';
import { wordErrorRate } from '@voicepulse/testing';
import { buildCorpus, LIBRIVOX, NOISES, SNRS, snrKey, type Clip, type Noise, type VoiceSet } from './corpus';
import { Confusion, frameF1, mean, percentile, std } from './metrics';

const { values: args } = parseArgs({
  options: {
    'per-label': { type: 'string', default: '30' },
    'stt-per-label': { type: 'string', default: '15' },
    'stt-only': { type: 'boolean', default: false },
    'stt-sets': { type: 'string', default: 'espeak-ng,natural' },
    'stt-conditions': { type: 'string', default: 'clean,white 20 dB,babble 20 dB' },
  },
});
const sttOnly = args['stt-only'];
const sttSets = new Set(args['stt-sets'].split(','));
const sttConditionNames = new Set(args['stt-conditions'].split(','));
const perLabel = Number(args['per-label']);
const sttPerLabel = Number(args['stt-per-label']);

const TICKS_PER_S = 100; // Linux USER_HZ
/** CPU seconds of waited-for child processes (the STT binary), from /proc/self/stat cutime + cstime. */
function childCpuS(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[13]) + Number(fields[14])) / TICKS_PER_S;
}
const selfCpuS = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

const VAD_ENGINES = ['silero', 'webrtc'] as const;
const RATE = 16_000;
const espeakNg = sttOnly && !sttSets.has('espeak-ng') ? 0 : perLabel;
const clips = buildCorpus(espeakNg, (s) => console.log(s));
const audioS = (c: Clip) => c.durationMs / 1000;

// --- Analysis without STT: client transcripts, every VAD engine × noise × SNR --------------------------
type Condition = { snr: (typeof SNRS)[number]; noise: Noise };
const conditions: Condition[] = [
  { snr: null, noise: 'white' },
  ...NOISES.flatMap((noise) => SNRS.filter((s) => s !== null).map((snr) => ({ snr, noise }))),
];
const conditionName = (c: Condition) => (c.snr === null ? 'clean' : `${c.noise} ${c.snr} dB`);

const vadRows: string[] = [];
const clientConfusion = new Confusion();
const clean: { clip: Clip; r: RecordingAnalysis }[] = [];
const speedWithoutStt: Record<string, number> = {};
for (const vad of sttOnly ? [] : VAD_ENGINES) {
  const analyzer = await createAnalyzer(
    analysisConfigSchema.parse({
      SENTIMENT_ENGINES: 'transcript,acoustic',
      TRANSCRIBER: 'none',
      VAD_ENGINE: vad,
    }),
  );
  console.log(
    `\nVAD ${analyzer.vad.name}@${analyzer.vad.version}; engines: ${analyzer.engines.map((e) => `${e.name}@${e.version}`).join(', ')}`,
  );
  let allAudio = 0;
  let allCpu = 0;
  for (const cond of conditions) {
    const errors: number[] = [];
    const f1s: number[] = [];
    let cpu = 0;
    let audio = 0;
    for (const clip of clips) {
      const wav = readFileSync(clip.files[snrKey(cond.snr, cond.noise)]!);
      const t0 = selfCpuS();
      const r = await analyzer.analyze(wav, { transcript: clip.text });
      cpu += selfCpuS() - t0;
      audio += audioS(clip);
      const truthMs = clip.speech.reduce((n, s) => n + s.endMs - s.startMs, 0);
      errors.push(Math.abs(r.talkedTimeMs - truthMs) / truthMs);
      f1s.push(frameF1(clip.speech, r.segments, clip.durationMs).f1);
      if (cond.snr === null && vad === VAD_ENGINES[0]) {
        clientConfusion.add(clip.label, r.sentiment.label);
        clean.push({ clip, r });
      }
    }
    allAudio += audio;
    allCpu += cpu;
    vadRows.push(
      `| ${vad} | ${conditionName(cond)} | ${clips.length} | ${pct(mean(errors))} | ${pct(percentile(errors, 95))} | ${mean(f1s).toFixed(3)} | ${(audio / cpu).toFixed(0)}× |`,
    );
  }
  speedWithoutStt[vad] = allAudio / allCpu;
  await analyzer.close();
}

if (!sttOnly) {
  console.log(
    `\n### Talk time and VAD (${clips.length} clips of ${(clips.reduce((n, c) => n + audioS(c), 0) / 60).toFixed(1)} min per condition)\n`,
  );
  console.log(
    '| VAD | condition | clips | talk-time error mean | talk-time error p95 | VAD frame F1 | analysis speed (audio s / CPU s) |',
  );
  console.log('|---|---|---:|---:|---:|---:|---:|');
  for (const row of vadRows) console.log(row);
  for (const [vad, x] of Object.entries(speedWithoutStt))
    console.log(
      `\nAnalysis without STT with the ${vad} VAD (decode + VAD + levels + prosody + lexicon + acoustic), all conditions: ${x.toFixed(0)}× real time per CPU.`,
    );

  console.log(`\n### Sentiment with client transcripts (${clientConfusion.total} clean clips)\n`);
  console.log(clientConfusion.table());
  console.log(
    `\naccuracy ${pct(clientConfusion.accuracy())}, sign accuracy (positive/negative clips) ${pct(clientConfusion.signAccuracy())}`,
  );

  // --- Acoustic arousal: distribution of its cues over the clean set (its calibration data) --------------
  const features = clean.map(
    ({ r }) =>
      r.sentiment.engines.find((e) => e.engine === 'acoustic')?.details?.features as
        Record<string, number | null> | undefined,
  );
  console.log('\n### Acoustic cues over the clean set (calibration of AROUSAL_CUES)\n');
  console.log('| cue | mean | std |');
  console.log('|---|---:|---:|');
  for (const key of ['pitchVariation', 'energyVariation', 'speakingRate', 'loudness']) {
    const xs = features.map((f) => f?.[key]).filter((x): x is number => typeof x === 'number');
    console.log(`| ${key} | ${mean(xs).toFixed(3)} | ${std(xs).toFixed(3)} |`);
  }
  const arousalBy = (pred: (c: Clip) => boolean) =>
    mean(clean.filter(({ clip }) => pred(clip)).map(({ r }) => r.arousal ?? NaN));
  console.log(
    `\nmean arousal: 140 wpm ${arousalBy((c) => c.wpm === 140).toFixed(3)}, 175 wpm ${arousalBy((c) => c.wpm === 175).toFixed(3)}`,
  );
}

// --- With STT: the default pipeline (Silero VAD, TRANSCRIBER=auto → pocketsphinx, transcript + acoustic) ---
if (sttPerLabel > 0) {
  const stt = await createAnalyzer(analysisConfigSchema.parse({}));
  if (stt.transcriber === 'none')
    throw new Error('pocketsphinx is not usable here; install pocketsphinx pocketsphinx-en-us');
  const subsets: Partial<Record<VoiceSet, Clip[]>> = {};
  if (sttSets.has('espeak-ng'))
    subsets['espeak-ng'] = (['positive', 'negative', 'neutral'] as const).flatMap((l) =>
      clips.filter((c) => c.label === l).slice(0, sttPerLabel),
    );
  if (sttSets.has('natural')) subsets.natural = buildCorpus(sttPerLabel, (s) => console.log(s), 'natural');
  /** Analyses audio-only and returns the CPU spent, the recogniser's child process included. */
  const timed = async (wav: Buffer) => {
    const c0 = childCpuS();
    const t0 = c0 + selfCpuS();
    const r = await stt.analyze(wav, {});
    return { r, cpu: childCpuS() + selfCpuS() - t0, sttCpu: childCpuS() - c0 };
  };
  const sttRows: string[] = [];
  let sample = '';
  const sttConditions = (
    [
      { snr: null, noise: 'white' },
      { snr: 20, noise: 'white' },
      { snr: 20, noise: 'babble' },
    ] satisfies Condition[]
  ).filter((c) => sttConditionNames.has(conditionName(c)));
  for (const [set, subset] of Object.entries(subsets)) {
    for (const cond of sttConditions) {
      const heard: { clip: Clip; r: RecordingAnalysis; cpu: number; sttCpu: number }[] = [];
      for (const clip of subset) {
        const t = await timed(readFileSync(clip.files[snrKey(cond.snr, cond.noise)]!));
        heard.push({ clip, ...t });
        if (cond.snr === null && clip === subset[0])
          sample += `${set} (${clip.voice}) said: "${clip.text}"\nheard: "${t.r.transcript?.text ?? ''}"\n`;
      }
      // The whole set, then each of its voices when it has several (natural voices differ a lot).
      const voices = [...new Set(subset.map((c) => c.voice))];
      const groups: [string, typeof heard][] = [
        [set === 'natural' ? 'natural voices' : set, heard],
        ...(voices.length > 1
          ? voices.map((v): [string, typeof heard] => [v, heard.filter((h) => h.clip.voice === v)])
          : []),
      ];
      for (const [name, hs] of groups) {
        const confusion = new Confusion();
        for (const h of hs) confusion.add(h.clip.label, h.r.sentiment.label);
        const conf = hs.map((h) => h.r.transcript?.confidence).filter((x): x is number => x !== undefined);
        const audio = hs.reduce((n, h) => n + audioS(h.clip), 0);
        const cpu = hs.reduce((n, h) => n + h.cpu, 0);
        const sttCpu = hs.reduce((n, h) => n + h.sttCpu, 0);
        const row = `| ${name}, ${conditionName(cond)} | ${hs.length} | ${pct(confusion.accuracy())} | ${pct(confusion.signAccuracy())} | ${mean(conf).toFixed(2)} | ${(audio / sttCpu).toFixed(1)}× | ${(audio / cpu).toFixed(1)}× |`;
        console.log(`audio-alone row done: ${row}`);
        sttRows.push(row);
      }
    }
  }

  // Real recorded speech: LibriVox read speech in 1.5 s / 1 s of silence (or under white noise at 20 dB).
  const ids = readFileSync(join(LIBRIVOX, 'fileids'), 'utf8').split('\n').filter(Boolean);
  const refs = new Map(
    readFileSync(join(LIBRIVOX, 'transcription'), 'utf8')
      .split('\n')
      .map((l) => /^<s> (.*) <\/s> \((.+)\)$/.exec(l.trim()))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[2]!, m[1]!]),
  );
  const ungated = new PocketsphinxTranscriber();
  const werRows: string[] = [];
  for (const snr of sttOnly ? [] : ([null, 20] as const)) {
    let errs = 0;
    let errsUngated = 0;
    let words = 0;
    let audio = 0;
    let cpu = 0;
    let sttCpu = 0;
    const conf: number[] = [];
    for (const id of ids) {
      const speech = downmix(decodeWav(readFileSync(join(LIBRIVOX, `${id}.wav`))));
      const lead = Math.round(1.5 * RATE);
      const x = new Float32Array(lead + speech.length + RATE);
      x.set(speech, lead);
      if (snr !== null) {
        let p = 0;
        for (const v of speech) p += v * v;
        const noiseRms = Math.sqrt(p / speech.length) / 10 ** (snr / 20);
        // Uniform white noise of that RMS (uniform on [-a, a] has RMS a/√3); seeded for repeatability.
        let seed = 1;
        const rand = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31) * 2 - 1;
        for (let i = 0; i < x.length; i++) x[i]! += rand() * noiseRms * Math.sqrt(3);
      }
      const wav = encodeWavPcm16(x, RATE);
      const ref = refs.get(id)!;
      const t = await timed(wav);
      const n = ref.split(/\s+/).length;
      words += n;
      errs += wordErrorRate(ref, t.r.transcript?.text ?? '') * n;
      errsUngated += wordErrorRate(ref, (await ungated.transcribe(wav)).text) * n;
      audio += x.length / RATE;
      cpu += t.cpu;
      sttCpu += t.sttCpu;
      if (t.r.transcript?.confidence !== undefined) conf.push(t.r.transcript.confidence);
    }
    werRows.push(
      `| LibriVox, ${snr === null ? 'clean' : `white ${snr} dB`} | ${ids.length} | ${words} | ${pct(errs / words)} | ${pct(errsUngated / words)} | ${mean(conf).toFixed(2)} | ${(audio / sttCpu).toFixed(1)}× | ${(audio / cpu).toFixed(1)}× |`,
    );
  }
  await stt.close();

  console.log(
    `\n### Sentiment from audio alone (default pipeline: ${stt.vad.name} VAD, ${stt.transcriber})\n`,
  );
  console.log(
    '| set, condition | clips | accuracy | sign accuracy | mean STT confidence | STT speed | STT + analysis speed |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const row of sttRows) console.log(row);
  console.log(`\nexamples —\n${sample}`);
  if (!sttOnly) {
    console.log('\n### Word error rate on real recorded speech (pocketsphinx-testdata)\n');
    console.log(
      '| set, condition | utterances | words | WER gated to VAD speech | WER on the whole file | mean STT confidence | STT speed | STT + analysis speed |',
    );
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const row of werRows) console.log(row);
  }
  console.log('\nSpeeds are audio seconds per CPU second (the recogniser child process included).');
}
