import { recordingViewSchema } from '@voicepulse/contracts';
import { Link, useParams } from 'react-router';
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { tokenUrl } from '../api/client';
import { FAILURE_REASONS } from '../api/errors';
import { useApiQuery, useRecordingStatus } from '../api/hooks';
import { useSession } from '../auth/auth';
import { StatusBadge } from '../components/StatusBadge';
import { Waveform } from '../components/Waveform';
import { ConversationView, SpeakerLanes } from '../components/ConversationView';
import { bytes, dateTime, LABEL_WORDS, percent, seconds, talkTime } from '../format';

export function RecordingDetailPage() {
  const { id = '' } = useParams();
  const session = useSession();
  const [view] = useApiQuery(`/v1/recordings/${encodeURIComponent(id)}`, recordingViewSchema);
  const current = view.state === 'ready' ? view.data : undefined;
  // Writes each status into the cached view, and refetches it (with its analysis) at the end.
  const live = useRecordingStatus(current ? id : null, current && { status: current.status });

  if (view.state === 'loading') return <p role="status">Loading recording…</p>;
  if (view.state === 'error')
    return (
      <>
        <h1>Recording</h1>
        <p className="error" role="alert">
          {view.message}
        </p>
        <Link to="/recordings">Back to recordings</Link>
      </>
    );

  const r = view.data;
  const status = live?.status ?? r.status;
  const a = r.analysis;
  return (
    <>
      <p>
        <Link to="/recordings">← All recordings</Link>
      </p>
      <h1>Recording from {dateTime(r.recordedAt ?? r.createdAt)}</h1>
      <p aria-live="polite">
        Status: <StatusBadge status={status} />
      </p>

      {r.failure && (
        <section className="card failure" aria-labelledby="failure-h">
          <h2 id="failure-h">Why it failed</h2>
          <p>{FAILURE_REASONS[r.failure.code]}</p>
          {r.failure.message && <p className="muted">Details: {r.failure.message}</p>}
        </section>
      )}

      <section className="card" aria-labelledby="audio-h">
        <h2 id="audio-h">Audio</h2>
        <audio controls preload="metadata" src={tokenUrl(`/v1/recordings/${r.id}/audio`, session.token)} aria-label="Recording audio">
          Your browser cannot play this audio.
        </audio>
        {r.status !== 'failed' && (
          <Waveform
            audioPath={`/v1/recordings/${r.id}/audio?variant=${r.status === 'scored' ? 'normalized' : 'original'}`}
            token={session.token}
            segments={a?.segments ?? []}
            durationMs={r.audio?.durationMs}
          />
        )}
        {a?.conversation && <SpeakerLanes conversation={a.conversation} />}
      </section>

      {a ? (
        <>
          <section className="card" aria-labelledby="summary-h">
            <h2 id="summary-h">Summary</h2>
            <dl className="stats">
              <div>
                <dt>Talk time</dt>
                <dd data-testid="talk-time">{talkTime(a.talkedTimeMs)}</dd>
              </div>
              <div>
                <dt>Speech ratio</dt>
                <dd>{percent(a.speechRatio)}</dd>
              </div>
              <div>
                <dt>Overall sentiment</dt>
                <dd data-testid="sentiment">
                  <span className={`label label-${a.sentiment.label}`}>{LABEL_WORDS[a.sentiment.label]}</span> ({a.sentiment.score.toFixed(2)})
                </dd>
              </div>
              <div>
                <dt>Confidence</dt>
                <dd>{percent(a.sentiment.confidence)}</dd>
              </div>
            </dl>
          </section>
          {a.conversation && <ConversationView conversation={a.conversation} />}
          <section className="card" aria-labelledby="timeline-h">
            <h2 id="timeline-h">Sentiment over time</h2>
            {a.timeline?.length ? (
              <figure className="chart" aria-label="Sentiment score over the recording, from -1 (negative) to 1 (positive)">
                <ResponsiveContainer width="100%" height={220}>
                  <LineChart data={a.timeline.map((t) => ({ t: Math.round((t.startMs + t.endMs) / 200) / 10, score: t.score }))}>
                    <CartesianGrid strokeDasharray="3 3" />
                    <XAxis dataKey="t" unit=" s" />
                    <YAxis domain={[-1, 1]} />
                    <ReferenceLine y={0} stroke="#6b7280" />
                    <Tooltip />
                    <Line type="monotone" dataKey="score" name="Sentiment" stroke="#1d4ed8" dot={false} />
                  </LineChart>
                </ResponsiveContainer>
              </figure>
            ) : (
              <p className="muted">No sentiment timeline for this recording.</p>
            )}
          </section>
          <section className="card" aria-labelledby="transcript-h">
            <h2 id="transcript-h">Transcript</h2>
            {a.transcript?.sentences.length ? (
              <>
                <p className="hint">Source: {a.transcript.source}</p>
                <ol className="sentences">
                  {a.transcript.sentences.map((s, i) => (
                    <li key={i}>
                      <span className={`label label-${s.label}`}>{LABEL_WORDS[s.label]}</span> {s.text}
                    </li>
                  ))}
                </ol>
              </>
            ) : (
              <p className="muted">{a.transcript?.text || 'No transcript for this recording.'}</p>
            )}
          </section>
        </>
      ) : (
        r.status !== 'failed' && (
          <p className="muted" role="status">
            The analysis appears here once processing is done.
          </p>
        )
      )}

      <section className="card" aria-labelledby="meta-h">
        <h2 id="meta-h">Audio details</h2>
        <dl className="stats">
          <div>
            <dt>Length</dt>
            <dd>{r.audio ? seconds(r.audio.durationMs) : '—'}</dd>
          </div>
          <div>
            <dt>Sample rate</dt>
            <dd>{r.audio ? `${r.audio.sampleRate} Hz` : '—'}</dd>
          </div>
          <div>
            <dt>Channels</dt>
            <dd>{r.audio?.channels ?? '—'}</dd>
          </div>
          <div>
            <dt>Codec</dt>
            <dd>{r.audio?.codec ?? '—'}</dd>
          </div>
          <div>
            <dt>Uploaded file</dt>
            <dd>
              {r.input.contentType}, {bytes(r.input.sizeBytes)}
            </dd>
          </div>
          <div>
            <dt>Microphone / speaker</dt>
            <dd>
              {r.microphoneUsed ? 'yes' : 'no'} / {r.speakerUsed ? 'yes' : 'no'}
            </dd>
          </div>
          {r.prompt && (
            <div>
              <dt>Acted emotion</dt>
              <dd>{r.prompt.actedEmotion ?? '—'}</dd>
            </div>
          )}
        </dl>
      </section>
    </>
  );
}
