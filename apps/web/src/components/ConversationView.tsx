import { overlapSpans, type AttributionSource, type Conversation, type TimeSpan } from '@voicepulse/contracts';
import { clock, LABEL_WORDS, percent, seconds, talkTime } from '../format';

const SOURCE_WORDS: Record<AttributionSource, string> = {
  channel: 'from channels',
  diarizer: 'diarizer',
  single: 'single speaker',
};

/** A mono recording without a diarizer: one participant, nothing to compare, so the view stays short. */
const isSingle = (c: Conversation) => c.source === 'single' && c.participants.length <= 1;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const span = (s: TimeSpan) => `${clock(s.startMs)}–${clock(s.endMs)}`;
const optionalSeconds = (ms: number | null) => (ms == null ? '—' : seconds(ms));

/** Bars placed by time as a share of the recording, so the lanes line up with the waveform above them. */
function Bars({ spans, durationMs, className }: { spans: readonly TimeSpan[]; durationMs: number; className: string }) {
  return spans.map((s, i) => (
    <span
      key={i}
      className={className}
      title={span(s)}
      style={{ left: `${(s.startMs / durationMs) * 100}%`, width: `${((s.endMs - s.startMs) / durationMs) * 100}%` }}
    />
  ));
}

/** One lane per speaker with their speech as bars, and a hatched lane where two or more talk at once. */
export function SpeakerLanes({ conversation: c }: { conversation: Conversation }) {
  // A recording shorter than its last segment (rounding) must not push bars past the lane's end.
  const durationMs = Math.max(c.durationMs, ...c.speakerSegments.map((s) => s.endMs), 1);
  // The scorer's own definition, so the bands are exactly what `overlap.count` counted.
  const overlaps = isSingle(c) ? [] : overlapSpans(c.speakerSegments);
  return (
    <div className="lanes" aria-label="Who talked when">
      {c.participants.map((p) => {
        const segments = c.speakerSegments.filter((s) => s.speaker === p.speaker);
        return (
          <div className="lane" key={p.speaker}>
            <span className="lane-name">{p.speaker}</span>
            <div
              className="lane-track"
              role="img"
              aria-label={`${p.speaker}: ${plural(segments.length, 'speech segment')}, ${talkTime(p.talkTimeMs)} of talk`}
            >
              <Bars spans={segments} durationMs={durationMs} className="lane-bar" />
            </div>
          </div>
        );
      })}
      {!isSingle(c) && (
        <div className="lane">
          <span className="lane-name">Overlap (hatched)</span>
          <div
            className="lane-track"
            role="img"
            aria-label={`Overlap: ${plural(overlaps.length, 'stretch', 'stretches')} where two or more speakers talk at once${overlaps.length ? ` (${overlaps.map(span).join(', ')})` : ''}`}
          >
            <Bars spans={overlaps} durationMs={durationMs} className="lane-overlap" />
          </div>
        </div>
      )}
    </div>
  );
}

/** The per-speaker table, the conversation's summary figures and its sentences with who said them. */
export function ConversationView({ conversation: c }: { conversation: Conversation }) {
  const single = isSingle(c);
  return (
    <section className="card" aria-labelledby="conversation-h">
      <h2 id="conversation-h">Conversation</h2>
      <p className="hint" data-testid="attribution">
        Speakers: {SOURCE_WORDS[c.source]}
      </p>
      {!single && (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">Figures per speaker</caption>
            <thead>
              <tr>
                <th scope="col">Speaker</th>
                <th scope="col">Channel</th>
                <th scope="col">Talk time</th>
                <th scope="col">Share of talk</th>
                <th scope="col">Longest monologue</th>
                <th scope="col">Turns</th>
                <th scope="col">Interruptions made</th>
                <th scope="col">Patience</th>
                <th scope="col">Words per minute</th>
                <th scope="col">Sentiment</th>
              </tr>
            </thead>
            <tbody>
              {c.participants.map((p) => (
                <tr key={p.speaker}>
                  <th scope="row">{p.speaker}</th>
                  {/* Channels are 0-based in the data; people count them from 1 (left = 1). */}
                  <td>{p.channel == null ? '—' : p.channel + 1}</td>
                  <td>{talkTime(p.talkTimeMs)}</td>
                  <td>{percent(p.talkShare)}</td>
                  <td>{seconds(p.longestMonologueMs)}</td>
                  <td>{p.turns}</td>
                  <td>{p.interruptions}</td>
                  <td>{optionalSeconds(p.patienceMs)}</td>
                  <td>{p.wordsPerMinute == null ? '—' : Math.round(p.wordsPerMinute)}</td>
                  <td>
                    {p.sentiment ? (
                      <>
                        <span className={`label label-${p.sentiment.label}`}>{LABEL_WORDS[p.sentiment.label]}</span> (
                        {p.sentiment.score.toFixed(2)})
                      </>
                    ) : (
                      '—'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <dl className="stats conversation-stats">
        <div>
          <dt>Silence</dt>
          <dd data-testid="silence">
            {talkTime(c.silence.totalMs)} ({percent(c.silence.share)}), {plural(c.silence.gapsOver5s, 'gap')} over 5 s
          </dd>
        </div>
        {!single && (
          <>
            <div>
              <dt>Overlap</dt>
              <dd data-testid="overlap">
                {talkTime(c.overlap.totalMs)} in {plural(c.overlap.count, 'stretch', 'stretches')}
              </dd>
            </div>
            <div>
              <dt>Interactivity</dt>
              <dd data-testid="interactivity">{c.interactivityPerMin.toFixed(1)} switches/min</dd>
            </div>
            <div>
              <dt>Patience</dt>
              <dd data-testid="patience">{optionalSeconds(c.patienceMs)}</dd>
            </div>
            <div>
              <dt>Interruptions</dt>
              <dd>{c.interruptions.length}</dd>
            </div>
          </>
        )}
      </dl>
      <h3>Sentences</h3>
      {c.sentences.length ? (
        <ol className="sentences conversation-sentences">
          {c.sentences.map((s, i) => (
            <li key={i}>
              <time>{span(s)}</time> <strong>{s.speaker}</strong>{' '}
              <span className={`label label-${s.sentiment}`}>{LABEL_WORDS[s.sentiment]}</span> ({s.score.toFixed(2)}) {s.text}
            </li>
          ))}
        </ol>
      ) : (
        <p className="muted">No sentences attributed to a speaker.</p>
      )}
    </section>
  );
}
