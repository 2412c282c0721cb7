import { metricsSummarySchema, sessionsInPeriodPageSchema, type Granularity } from '@voicepulse/contracts';
import { useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { downloadFile } from '../api/client';
import { messageOf } from '../api/errors';
import { useApiQuery } from '../api/hooks';
import { useSession } from '../auth/auth';
import { ErrorAlert, LoadStatus } from '../components/LoadStatus';
import { percent, ratio, talkTime } from '../format';

const DAY = 86_400_000;
const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/** Inclusive local-calendar range → the half-open UTC instants the API takes. */
function rangeQuery(from: string, to: string): string {
  const start = new Date(`${from}T00:00:00`);
  const end = new Date(new Date(`${to}T00:00:00`).getTime() + DAY);
  return `from=${encodeURIComponent(start.toISOString())}&to=${encodeURIComponent(end.toISOString())}`;
}

function bucketLabel(iso: string, g: Granularity): string {
  const d = new Date(iso);
  return g === 'hour' ? d.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit' }) : d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
}

export function DashboardPage() {
  const session = useSession();
  const [from, setFrom] = useState(() => isoDay(new Date(Date.now() - 13 * DAY)));
  const [to, setTo] = useState(() => isoDay(new Date()));
  const [granularity, setGranularity] = useState<Granularity>('day');
  const [exportError, setExportError] = useState('');
  const validRange = from <= to;
  const range = rangeQuery(from, to);
  const [summary] = useApiQuery(validRange ? `/v1/metrics/summary?${range}&granularity=${granularity}` : null, metricsSummarySchema);

  async function exportCsv() {
    setExportError('');
    try {
      await downloadFile(`/v1/metrics/export.csv?${range}`, session.token, `voicepulse-metrics-${from}-${to}.csv`);
    } catch (err) {
      setExportError(`Export failed: ${messageOf(err)}`);
    }
  }

  const series =
    summary.state === 'ready'
      ? summary.data.series.map((s) => ({
          label: bucketLabel(s.start, granularity),
          talkMinutes: Math.round(s.talkedTimeMs / 600) / 100,
          listenMinutes: Math.round(s.listenedTimeMs / 600) / 100,
          talkToListen: s.talkToListenRatio === null ? null : Math.round(s.talkToListenRatio * 100) / 100,
          microphone: s.microphoneUsedRatio === null ? null : Math.round(s.microphoneUsedRatio * 100),
          speaker: s.speakerUsedRatio === null ? null : Math.round(s.speakerUsedRatio * 100),
          sentiment: s.sentimentMean,
        }))
      : [];

  return (
    <>
      <h1>Dashboard</h1>
      <form className="row filters" onSubmit={(e) => e.preventDefault()} aria-label="Date range">
        <div className="field">
          <label htmlFor="from">From</label>
          <input id="from" type="date" value={from} max={to} onChange={(e) => e.target.value && setFrom(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="to">To</label>
          <input id="to" type="date" value={to} min={from} onChange={(e) => e.target.value && setTo(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="granularity">Group by</label>
          <select id="granularity" value={granularity} onChange={(e) => setGranularity(e.target.value as Granularity)}>
            <option value="hour">Hour</option>
            <option value="day">Day</option>
            <option value="week">Week</option>
          </select>
        </div>
        <button type="button" onClick={() => void exportCsv()} disabled={!validRange}>
          Export CSV
        </button>
      </form>
      <ErrorAlert message={validRange ? '' : 'The start date must not be after the end date.'} />
      <ErrorAlert message={exportError} />
      {validRange && <LoadStatus result={summary} loading="Loading metrics…" />}
      {summary.state === 'ready' && summary.data.totals.events === 0 && (
        <p className="empty">No activity in this period. Record something, or pick a wider range.</p>
      )}
      {summary.state === 'ready' && summary.data.totals.events > 0 && (
        <>
          <dl className="stats card">
            <div>
              <dt>Talk time</dt>
              <dd>{talkTime(summary.data.totals.talkedTimeMs)}</dd>
            </div>
            <div>
              <dt>Talk : listen</dt>
              <dd data-testid="talk-listen">{ratio(summary.data.totals.talkToListenRatio)}</dd>
            </div>
            <div>
              <dt>Sessions</dt>
              <dd>{summary.data.totals.sessions}</dd>
            </div>
            <div>
              <dt>Microphone used</dt>
              <dd>{percent(summary.data.totals.microphoneUsedRatio)}</dd>
            </div>
            <div>
              <dt>Speaker used</dt>
              <dd>{percent(summary.data.totals.speakerUsedRatio)}</dd>
            </div>
            <div>
              <dt>Mean sentiment</dt>
              <dd>{summary.data.totals.sentimentMean?.toFixed(2) ?? '—'}</dd>
            </div>
          </dl>
          <div className="charts">
            <section className="card" aria-labelledby="talk-h">
              <h2 id="talk-h">Talk and listen time (minutes)</h2>
              <ResponsiveContainer width="100%" height={220}>
                <BarChart data={series}>
                  <CartesianGrid strokeDasharray="3 3" />
                  <XAxis dataKey="label" />
                  <YAxis />
                  <Tooltip />
                  <Legend />
                  <Bar dataKey="talkMinutes" name="Talked (min)" fill="#1d4ed8" stackId="t" />
                  <Bar dataKey="listenMinutes" name="Listened (min)" fill="#93c5fd" stackId="t" />
                </BarChart>
              </ResponsiveContainer>
            </section>
            <section className="card" aria-labelledby="ratio-h">
              <h2 id="ratio-h">Talk-to-listen ratio</h2>
              <ResponsiveContainer width="100%" height={220}>
                <LineChart data={series}>
                  <CartesianGrid strokeDasharray="3 3" />
                  <XAxis dataKey="label" />
                  <YAxis />
                  <Tooltip />
                  <Line dataKey="talkToListen" name="Talk : listen" stroke="#7c3aed" connectNulls />
                </LineChart>
              </ResponsiveContainer>
            </section>
            <section className="card" aria-labelledby="usage-h">
              <h2 id="usage-h">Microphone and speaker usage (%)</h2>
              <ResponsiveContainer width="100%" height={220}>
                <LineChart data={series}>
                  <CartesianGrid strokeDasharray="3 3" />
                  <XAxis dataKey="label" />
                  <YAxis domain={[0, 100]} />
                  <Tooltip />
                  <Legend />
                  <Line dataKey="microphone" name="Microphone" stroke="#1d4ed8" connectNulls />
                  <Line dataKey="speaker" name="Speaker" stroke="#b45309" connectNulls />
                </LineChart>
              </ResponsiveContainer>
            </section>
            <section className="card" aria-labelledby="trend-h">
              <h2 id="trend-h">Sentiment trend</h2>
              <ResponsiveContainer width="100%" height={220}>
                <LineChart data={series}>
                  <CartesianGrid strokeDasharray="3 3" />
                  <XAxis dataKey="label" />
                  <YAxis domain={[-1, 1]} />
                  <Tooltip />
                  <Line dataKey="sentiment" name="Mean sentiment" stroke="#047857" connectNulls />
                </LineChart>
              </ResponsiveContainer>
            </section>
          </div>
        </>
      )}
      {/* Keyed by the period: a new period starts again at its first page. */}
      {validRange && <Sessions key={range} range={range} />}
    </>
  );
}

const SESSIONS_PER_PAGE = 20;

/** The period's sessions, served by GET /v1/metrics/sessions from the rollups, a page at a time. */
function Sessions({ range }: { range: string }) {
  // The cursors of the pages before this one: "Newer" pops, "Older" pushes the page's nextCursor.
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const [page] = useApiQuery(
    `/v1/metrics/sessions?${range}&limit=${SESSIONS_PER_PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    sessionsInPeriodPageSchema,
  );
  if (page.state === 'loading') return null;
  if (page.state === 'error') return <ErrorAlert message={page.message} />;
  const { items, nextCursor } = page.data;
  return (
    <section className="card" aria-labelledby="sessions-h">
      <h2 id="sessions-h">Sessions</h2>
      {items.length === 0 ? (
        <p className="muted">No sessions in this period.</p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">Sessions with activity in the selected period, most recent first</caption>
            <thead>
              <tr>
                <th scope="col">Session</th>
                <th scope="col">Last activity</th>
                <th scope="col">Events</th>
                <th scope="col">Talk time</th>
                <th scope="col">Mean sentiment</th>
              </tr>
            </thead>
            <tbody>
              {items.map((s) => (
                <tr key={s.sessionId}>
                  <td>
                    <code>{s.sessionId.slice(0, 8)}</code>
                  </td>
                  <td>{new Date(s.lastActivityAt).toLocaleString()}</td>
                  <td>{s.events}</td>
                  <td>{talkTime(s.talkedTimeMs)}</td>
                  <td>{s.sentimentMean?.toFixed(2) ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {(cursors.length > 0 || nextCursor) && (
        <div className="row">
          <button type="button" disabled={cursors.length === 0} onClick={() => setCursors((c) => c.slice(0, -1))}>
            Newer
          </button>
          <button type="button" disabled={!nextCursor} onClick={() => nextCursor && setCursors((c) => [...c, nextCursor])}>
            Older
          </button>
        </div>
      )}
    </section>
  );
}
