/**
 * voice-eval: accuracy and speed of @voicepulse/analysis on a generated, labelled espeak-ng set.
 *
 *   node --import tsx bench/voice-eval/run.ts [--per-label 30] [--stt-per-label 15]
 *
 * Prints markdown tables (no assertions). Generated audio is cached under $TMPDIR/vp-voice-eval.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { analysisConfigSchema, createAnalyzer, type RecordingAnalysis } from '@voicepulse/analysis';
import { buildCorpus, SNRS, snrKey, type Clip } from './corpus';
import { Confusion, frameF1, mean, percentile, std } from './metrics';

const { values: args } = parseArgs({
  options: {
    'per-label': { type: 'string', default: '30' },
    'stt-per-label': { type: 'string', default: '15' },
  },
});
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

const clips = buildCorpus(perLabel, (s) => console.log(s));
const audioS = (c: Clip) => c.durationMs / 1000;

// --- Analysis without STT: client transcripts, every SNR -------------------------------------------------
const analyzer = await createAnalyzer(
  analysisConfigSchema.parse({ SENTIMENT_ENGINES: 'transcript,acoustic' }),
);
console.log(`\nengines: ${analyzer.engines.map((e) => `${e.name}@${e.version}`).join(', ')}`);

const vadRows: string[] = [];
const clientConfusion = new Confusion();
const clean: { clip: Clip; r: RecordingAnalysis }[] = [];
let analysisAudioS = 0;
let analysisCpuS = 0;
for (const snr of SNRS) {
  const errors: number[] = [];
  const f1s: number[] = [];
  let cpu = 0;
  let audio = 0;
  for (const clip of clips) {
    const wav = readFileSync(clip.files[snrKey(snr)]!);
    const t0 = selfCpuS();
    const r = await analyzer.analyze(wav, { transcript: clip.text });
    cpu += selfCpuS() - t0;
    audio += audioS(clip);
    const truthMs = clip.speech.reduce((n, s) => n + s.endMs - s.startMs, 0);
    errors.push(Math.abs(r.talkedTimeMs - truthMs) / truthMs);
    f1s.push(frameF1(clip.speech, r.segments, clip.durationMs).f1);
    if (snr === null) {
      clientConfusion.add(clip.label, r.sentiment.label);
      clean.push({ clip, r });
    }
  }
  analysisAudioS += audio;
  analysisCpuS += cpu;
  vadRows.push(
    `| ${snrKey(snr)} | ${clips.length} | ${pct(mean(errors))} | ${pct(percentile(errors, 95))} | ${mean(f1s).toFixed(3)} | ${(audio / cpu).toFixed(0)}× |`,
  );
}
await analyzer.close();

console.log(
  `\n### Talk time and VAD (${clips.length} clips, ${(analysisAudioS / SNRS.length / 60).toFixed(1)} min of audio per SNR)\n`,
);
console.log(
  '| SNR | clips | talk-time error mean | talk-time error p95 | VAD frame F1 | analysis speed (audio s / CPU s) |',
);
console.log('|---|---:|---:|---:|---:|---:|');
for (const row of vadRows) console.log(row);
console.log(
  `\nAnalysis without STT (decode + VAD + levels + prosody + lexicon + acoustic), all SNRs: ${(analysisAudioS / analysisCpuS).toFixed(0)}× real time per CPU.`,
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

// --- With STT: pocketsphinx transcripts, clean subset ------------------------------------------------------
if (sttPerLabel > 0) {
  const stt = await createAnalyzer(
    analysisConfigSchema.parse({ SENTIMENT_ENGINES: 'transcript', TRANSCRIBER: 'pocketsphinx' }),
  );
  const subset = (['positive', 'negative', 'neutral'] as const).flatMap((l) =>
    clips.filter((c) => c.label === l).slice(0, sttPerLabel),
  );
  const confusion = new Confusion();
  let audio = 0;
  let cpu = 0;
  let sttCpu = 0;
  let sample = '';
  for (const clip of subset) {
    const wav = readFileSync(clip.files.clean!);
    const c0 = childCpuS();
    const t0 = c0 + selfCpuS();
    const r = await stt.analyze(wav, {});
    sttCpu += childCpuS() - c0;
    cpu += childCpuS() + selfCpuS() - t0;
    audio += audioS(clip);
    confusion.add(clip.label, r.sentiment.label);
    if (!sample) sample = `said: "${clip.text}"\nheard: "${r.transcript?.text ?? ''}"`;
  }
  await stt.close();
  console.log(`\n### Sentiment with pocketsphinx transcripts (${subset.length} clean clips)\n`);
  console.log(confusion.table());
  console.log(`\naccuracy ${pct(confusion.accuracy())}, sign accuracy ${pct(confusion.signAccuracy())}`);
  console.log(
    `STT speed (pocketsphinx process CPU): ${(audio / sttCpu).toFixed(1)}× real time; STT + analysis: ${(audio / cpu).toFixed(1)}×`,
  );
  console.log(`\nexample —\n${sample}`);
}
