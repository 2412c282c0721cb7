import { decodeWav, downmix, encodeWavPcm16 } from '@voicepulse/audio';
import { conversationSchema, recordingViewSchema, type NormalizedMetricEvent } from '@voicepulse/contracts';
import { PermanentJobError } from '@voicepulse/queues';
import { blobKeys } from '@voicepulse/recordings';
import { synthesizeSpeech } from '@voicepulse/testing';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ctx, usePipelineHarness } from './harness';

const RATE = 16_000;
// The shipped defaults: Silero VAD; the labelled client transcripts below mean no STT runs.
const h = usePipelineHarness('convo', { TRANSCRIBER: 'none' });

/** One espeak-ng utterance as 16 kHz samples, its own edge silence trimmed (so its length is the truth). */
function utterance(text: string, voice: string): Float32Array {
  return downmix(decodeWav(synthesizeSpeech(text, { voice, padS: 0 }).wav));
}

interface Placed {
  speaker: 'agent' | 'customer';
  startMs: number;
  endMs: number;
}

/**
 * A two-party call, one speaker per channel, built from known on/off times:
 *  agent talks; customer replies after 1 s; agent talks again, and 1.5 s in the customer says
 *  "yes" (a backchannel under 1 s: an overlap, not an interruption); 1 s before the agent
 *  finishes, the customer cuts in and talks on (an overlap and an interruption); after 1.2 s the
 *  agent closes. Silence everywhere else, 1 s of it at either end.
 */
function constructedCall() {
  const agentVoice = 'en-us';
  const customerVoice = 'en-us+f3';
  const parts: [Placed['speaker'], string, number | ((prev: Placed[]) => number)][] = [
    ['agent', 'Thank you for calling, this is the support desk.', 1000],
    ['customer', 'My order arrived broken and I am really upset about it.', (p) => p.at(-1)!.endMs + 1000],
    ['agent', 'I am very sorry to hear that and I will send you a replacement today', (p) => p.at(-1)!.endMs + 1000],
    ['customer', 'yes', (p) => p.at(-1)!.startMs + 1500],
    ['customer', 'Wait, I do not want a replacement, I want my money back now.', (p) => p.at(-2)!.endMs - 1000],
    ['agent', 'Of course, I will refund you in full.', (p) => p.at(-1)!.endMs + 1200],
  ];
  const placed: Placed[] = [];
  const clips: Float32Array[] = [];
  for (const [speaker, text, at] of parts) {
    const clip = utterance(text, speaker === 'agent' ? agentVoice : customerVoice);
    const startMs = typeof at === 'number' ? at : at(placed);
    placed.push({ speaker, startMs, endMs: startMs + (clip.length / RATE) * 1000 });
    clips.push(clip);
  }
  const totalMs = Math.max(...placed.map((p) => p.endMs)) + 1000;
  const channels = { agent: new Float32Array((totalMs / 1000) * RATE), customer: new Float32Array((totalMs / 1000) * RATE) };
  placed.forEach((p, i) => channels[p.speaker].set(clips[i]!, Math.round((p.startMs / 1000) * RATE)));
  const transcript = parts.map(([speaker, text]) => `${speaker}: ${text}`).join('\n');
  return { placed, channels, totalMs, transcript };
}

const upload = (body: Buffer, contentType: string, channelLayout: string, clientTranscript?: string) =>
  h.upload(body, contentType, { channelLayout, ...(clientTranscript ? { clientTranscript } : {}) });

/** sox interleaves the two mono channels and resamples to 48 kHz, as a call recorder would deliver. */
async function stereoFile(left: Float32Array, right: Float32Array, ext: 'wav' | 'flac'): Promise<Buffer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'vp-convo-call-'));
  try {
    await writeFile(path.join(dir, 'l.wav'), encodeWavPcm16(left, RATE));
    await writeFile(path.join(dir, 'r.wav'), encodeWavPcm16(right, RATE));
    const out = path.join(dir, `call.${ext}`);
    execFileSync('sox', ['-M', path.join(dir, 'l.wav'), path.join(dir, 'r.wav'), '-r', '48000', out]);
    return await readFile(out);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('conversation analytics through the transcode and score stages', () => {
  // Terminal statuses handed to the webhook fan-out (its own tests are in stages.test.ts).
  const finished: string[] = [];
  const listener = { recordingFinished: async (row: { id: string; status: string }) => void finished.push(`${row.id}:${row.status}`) };
  const { transcode, score } = h.stages(listener, 120);

  it('a stereo two-party call: talk time per speaker within 10 %, overlaps and interruptions as constructed', async () => {
    const call = constructedCall();
    const job = await upload(
      await stereoFile(call.channels.agent, call.channels.customer, 'wav'),
      'audio/wav',
      'agent,customer',
      call.transcript,
    );
    await transcode()(job, ctx);
    const transcoded = await h.repo.get(job.id, null);
    expect(transcoded).toMatchObject({ status: 'transcoded', channels: 2 });
    for (const c of [0, 1]) expect(await h.store.exists(blobKeys.channel(job.userId, job.id, c))).toBe(true);
    await score()(job, ctx);

    const view = recordingViewSchema.parse(await h.repo.view(job.id, null));
    expect(view.channelLayout).toEqual(['agent', 'customer']);
    const conv = conversationSchema.parse(view.analysis?.conversation);
    expect(conv.source).toBe('channel');

    const truth = (speaker: Placed['speaker']) =>
      call.placed.filter((p) => p.speaker === speaker).reduce((n, p) => n + p.endMs - p.startMs, 0);
    const figures = conv.participants.map((p) => {
      const t = truth(p.speaker as Placed['speaker']);
      return { speaker: p.speaker, channel: p.channel, measuredMs: p.talkTimeMs, truthMs: Math.round(t), error: Math.abs(p.talkTimeMs - t) / t };
    });
    console.log('constructed call, talk time per speaker:', JSON.stringify(figures));
    const [, , agent2, yes, cutIn] = call.placed;
    const trueOverlapMs = yes!.endMs - yes!.startMs + (agent2!.endMs - cutIn!.startMs);
    console.log(
      `call ${Math.round(call.totalMs)} ms; backchannel ${Math.round(yes!.endMs - yes!.startMs)} ms; true overlap ${Math.round(trueOverlapMs)} ms;`,
      'measured overlap',
      JSON.stringify(conv.overlap),
      'interruptions',
      JSON.stringify(conv.interruptions),
    );
    expect(figures.map((f) => [f.speaker, f.channel])).toEqual([
      ['agent', 0],
      ['customer', 1],
    ]);
    for (const f of figures) expect(f.error, f.speaker).toBeLessThan(0.1);

    // Exactly the two constructed overlaps (the backchannel, the cut-in) and the one interruption.
    expect(conv.overlap.count).toBe(2);
    expect(conv.interruptions).toHaveLength(1);
    expect(conv.interruptions[0]).toMatchObject({ speaker: 'customer', interrupted: 'agent' });
    expect(Math.abs(conv.interruptions[0]!.atMs - cutIn!.startMs)).toBeLessThan(300);
    expect(conv.participants.map((p) => p.interruptions)).toEqual([0, 1]);

    // Sentences per speaker from the labelled transcript, with the hosted-API fields.
    const bySpeaker = (s: string) => conv.sentences.filter((x) => x.speaker === s);
    expect(bySpeaker('agent').length).toBe(3);
    expect(bySpeaker('customer').length).toBe(3);
    expect(bySpeaker('customer').every((x) => x.channel === 1)).toBe(true);
    expect(conv.participants[0]!.sentiment?.label).toBe('positive');
    expect(conv.participants[1]!.sentiment?.label).toBe('negative');
    expect(conv.participants.every((p) => (p.wordsPerMinute ?? 0) > 60)).toBe(true);
    // The lanes: each speaker's segments lie within the recording and in time order.
    expect(conv.speakerSegments.length).toBeGreaterThanOrEqual(6);
    expect(new Set(conv.speakerSegments.map((s) => s.speaker))).toEqual(new Set(['agent', 'customer']));

    // One metric event per participant: the uploader (first channel) talked, the customer's talk is
    // the uploader's listened time; ids derive from the recording, so a re-run stores nothing new.
    const metricJob = await h.metricsProducer.queue.getJob(`${job.id}.metric`);
    const events: NormalizedMetricEvent[] = metricJob!.data.events;
    expect(events.map((e) => [e.participant, e.counterpart, e.talkedTimeMs, e.voiceSentimentLabel])).toEqual([
      ['agent', false, Math.round(conv.participants[0]!.talkTimeMs), 'positive'],
      ['customer', true, Math.round(conv.participants[1]!.talkTimeMs), 'negative'],
    ]);
    expect(events[0]!.eventId).toBe(job.id);
    expect(events[1]!.eventId).not.toBe(job.id);
    expect(events.every((e) => e.recordingId === job.id && e.userId === job.userId)).toBe(true);
    expect(finished).toContain(`${job.id}:scored`);
  });

  it('a mono file declared as a two-channel layout fails once, with the reason', async () => {
    const mono = utterance('Hello there, this is a mono recording.', 'en-us');
    const dir = await mkdtemp(path.join(tmpdir(), 'vp-convo-mono-'));
    try {
      await writeFile(path.join(dir, 'm.wav'), encodeWavPcm16(mono, RATE));
      execFileSync('sox', [path.join(dir, 'm.wav'), path.join(dir, 'm.flac')]);
      // FLAC: the gateway cannot see its channel count, so the transcoder is the one to refuse it.
      const job = await upload(await readFile(path.join(dir, 'm.flac')), 'audio/flac', 'agent,customer');
      const err = await transcode()(job, ctx).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PermanentJobError);
      expect((err as PermanentJobError).code).toBe('channel_layout_mismatch');
      const view = await h.repo.view(job.id, null);
      expect(view?.status).toBe('failed');
      expect(view?.failure).toEqual({
        code: 'channel_layout_mismatch',
        message: 'channels names 2 speakers (agent, customer) but the recording has 1 channel',
      });
      expect(await h.store.exists(blobKeys.normalized(job.userId, job.id))).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a mono upload without a layout gets one participant, attributed `single`', async () => {
    const mono = utterance('I am happy with the service, thank you.', 'en-us');
    const padded = new Float32Array(mono.length + 2 * RATE);
    padded.set(mono, RATE);
    const job = await h.upload(encodeWavPcm16(padded, RATE), 'audio/wav', {
      clientTranscript: 'I am happy with the service, thank you.',
    });
    await transcode()(job, ctx);
    await score()(job, ctx);
    const conv = (await h.repo.view(job.id, null))?.analysis?.conversation;
    expect(conv?.source).toBe('single');
    expect(conv?.participants).toHaveLength(1);
    expect(conv?.participants[0]).toMatchObject({ speaker: 'speaker_1', channel: null, talkShare: 1, turns: 1 });
    expect(conv?.overlap).toEqual({ totalMs: 0, count: 0 });
    expect(conv?.sentences[0]).toMatchObject({ sentiment: 'positive', speaker: 'speaker_1' });
  });
});
