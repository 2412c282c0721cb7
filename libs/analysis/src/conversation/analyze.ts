import type { Conversation, SpeakerSegment } from '@voicepulse/contracts';
import type { Diarizer } from '../diarizer';
import type { Analyzer, RecordingAnalysis, SpeechAnalysis, TimedText } from '../types';
import { computeConversation, type ParticipantInput, type Span } from './metrics';
import { speakerSentences, transcriptBySpeaker, wordsIn } from './sentences';

export interface ConversationRequest {
  /** The mono mix and its analysis (the recording's canonical audio). */
  mono: { wav16k: Buffer; analysis: RecordingAnalysis };
  /** One canonical 16 kHz mono WAV per channel of a declared layout, in channel order. */
  channels?: { speaker: string; wav16k: Buffer }[];
  /** The client's transcript; lines may name their speaker (`agent: …`). */
  transcript?: string;
}

/**
 * Attribution, most reliable first: a declared channel layout (each channel heard on its own, VAD
 * and transcriber per channel — this assumes each channel carries its own speaker, with the other's
 * bleed well below the VAD's threshold, as call-recording systems deliver); else the configured
 * diarizer on the mono mix; else the whole recording is one participant.
 */
export async function analyzeConversation(
  analyzer: Pick<Analyzer, 'speech'>,
  diarizer: Diarizer | null,
  req: ConversationRequest,
): Promise<Conversation> {
  const durationMs = req.mono.analysis.durationMs;
  if (req.channels?.length) {
    const names = req.channels.map((c) => c.speaker);
    const labelled = req.transcript ? transcriptBySpeaker(req.transcript, names) : null;
    const participants: ParticipantInput[] = [];
    // One channel at a time: the scorer runs several jobs in parallel already.
    for (const [channel, c] of req.channels.entries()) {
      const heard = await analyzer.speech(c.wav16k, {
        ...(labelled?.get(c.speaker) ? { transcript: labelled.get(c.speaker)! } : {}),
        // A labelled transcript in which a speaker has no line says they said nothing: no STT for them.
        stt: labelled === null,
      });
      participants.push(participant({ speaker: c.speaker, channel }, heard.segments, heard.transcript));
    }
    return computeConversation({ source: 'channel', durationMs, participants });
  }

  const mono = req.mono.analysis;
  const monoTranscript: SpeechAnalysis['transcript'] = mono.transcript
    ? { text: mono.transcript.text, source: mono.transcript.source, segments: mono.transcript.segments ?? [] }
    : null;
  if (diarizer) {
    const heard = await analyzer.speech(req.mono.wav16k, { stt: false });
    const segments = await diarizer.diarize(heard.samples, 16_000);
    const speakers = [...new Set(segments.map((s) => s.speaker))];
    if (speakers.length) {
      const labelled =
        monoTranscript?.source === 'client' ? transcriptBySpeaker(monoTranscript.text, speakers) : null;
      const participants = speakers.map((speaker) => {
        const speech = segments.filter((s) => s.speaker === speaker);
        const who = { speaker, channel: null };
        if (labelled) {
          const text = labelled.get(speaker);
          return participant(who, speech, text ? { text, source: 'client', segments: [] } : null);
        }
        if (monoTranscript && monoTranscript.source !== 'client') {
          const timed = monoTranscript.segments.filter((t) => ownerOf(t, segments) === speaker);
          return participant(who, speech, { ...monoTranscript, segments: timed });
        }
        // An unlabelled client transcript cannot be split between diarized speakers.
        return participant(who, speech, null);
      });
      return computeConversation({ source: 'diarizer', durationMs, participants });
    }
  }
  return computeConversation({
    source: 'single',
    durationMs,
    participants: [participant({ speaker: 'speaker_1', channel: null }, mono.segments, monoTranscript)],
  });
}

function participant(
  who: { speaker: string; channel: number | null },
  speech: readonly Span[],
  transcript: SpeechAnalysis['transcript'],
): ParticipantInput {
  if (!transcript) return { ...who, speech, sentences: [] };
  const sentences =
    transcript.source === 'client'
      ? speakerSentences(who, { text: transcript.text, speech })
      : speakerSentences(who, { timed: transcript.segments.filter((t) => t.text.trim()) });
  return { ...who, speech, sentences, words: wordsIn(sentences) };
}

/** The diarized speaker who talks most during a timed transcript segment. */
function ownerOf(t: TimedText, segments: readonly SpeakerSegment[]): string | undefined {
  const talk = new Map<string, number>();
  for (const s of segments) {
    const ms = Math.min(s.endMs, t.endMs) - Math.max(s.startMs, t.startMs);
    if (ms > 0) talk.set(s.speaker, (talk.get(s.speaker) ?? 0) + ms);
  }
  return [...talk].sort((a, b) => b[1] - a[1])[0]?.[0];
}
