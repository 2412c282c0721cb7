import { recordingListSchema, TERMINAL_STATUSES, type RecordingView } from '@voicepulse/contracts';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useActionError, useApiQuery, useApiWrite, useRecordingStatus } from '../api/hooks';
import { ActionsHeaderRow } from '../components/ActionsHeaderRow';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorAlert, LoadStatus } from '../components/LoadStatus';
import { StatusBadge } from '../components/StatusBadge';
import { dateTime, seconds, sentimentWord, talkTime } from '../format';

const PAGE_SIZE = 10;
/** Browsers allow ~6 HTTP/1.1 connections per origin; leave room for the page's own requests. */
const MAX_LIVE_STREAMS = 4;

export function RecordingsPage() {
  const write = useApiWrite();
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const cursor = cursors[cursors.length - 1] ?? null;
  const path = `/v1/recordings?limit=${PAGE_SIZE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
  const [page, reload] = useApiQuery(path, recordingListSchema);
  const [deleting, setDeleting] = useState<RecordingView | null>(null);
  const [error, runAction] = useActionError();

  // Rows beyond the live-stream budget still move on: poll while any of them is in flight.
  const pending = page.state === 'ready' ? page.data.items.filter((r) => !TERMINAL_STATUSES.includes(r.status)).length : 0;
  useEffect(() => {
    if (pending <= MAX_LIVE_STREAMS) return;
    const timer = setInterval(reload, 5000);
    return () => clearInterval(timer);
  }, [pending, reload]);

  async function confirmDelete() {
    const target = deleting;
    setDeleting(null);
    if (!target) return;
    await runAction(
      () => write(`/v1/recordings/${target.id}`, { method: 'DELETE' }, ['/v1/recordings']),
      'Could not delete the recording: ',
    );
  }

  let live = 0;
  return (
    <>
      <h1>Recordings</h1>
      <ErrorAlert message={error} />
      <LoadStatus result={page} loading="Loading recordings…" />
      {page.state === 'ready' && page.data.items.length === 0 && (
        <div className="empty">
          <p>No recordings yet.</p>
          <Link to="/record">Make your first recording</Link>
        </div>
      )}
      {page.state === 'ready' && page.data.items.length > 0 && (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">Your recordings, newest first</caption>
            <thead>
              <ActionsHeaderRow columns={['Recorded', 'Status', 'Length', 'Talk time', 'Sentiment']} />
            </thead>
            <tbody>
              {page.data.items.map((r) => {
                const follow = !TERMINAL_STATUSES.includes(r.status) && live++ < MAX_LIVE_STREAMS;
                return <Row key={r.id} recording={r} follow={follow} onDelete={() => setDeleting(r)} />;
              })}
            </tbody>
          </table>
        </div>
      )}
      <nav className="row pager" aria-label="Pages">
        <button type="button" onClick={() => setCursors((c) => c.slice(0, -1))} disabled={cursors.length < 2}>
          Previous page
        </button>
        <button
          type="button"
          onClick={() => page.state === 'ready' && page.data.nextCursor && setCursors((c) => [...c, page.data.nextCursor])}
          disabled={page.state !== 'ready' || !page.data.nextCursor}
        >
          Next page
        </button>
      </nav>
      {deleting && (
        <ConfirmDialog
          title="Delete this recording?"
          body={`The recording from ${dateTime(deleting.recordedAt ?? deleting.createdAt)}, its audio and its analysis will be removed permanently.`}
          confirmLabel="Delete"
          onConfirm={() => void confirmDelete()}
          onCancel={() => setDeleting(null)}
        />
      )}
    </>
  );
}

function Row({ recording: r, follow, onDelete }: { recording: RecordingView; follow: boolean; onDelete(): void }) {
  // The stream writes into the cached page and refetches it (with the analysis) once settled.
  const live = useRecordingStatus(follow ? r.id : null, { status: r.status });
  const status = live?.status ?? r.status;
  const when = dateTime(r.recordedAt ?? r.createdAt);
  return (
    <tr>
      <td>
        <Link to={`/recordings/${r.id}`}>{when}</Link>
      </td>
      <td aria-live="polite">
        <StatusBadge status={status} />
      </td>
      <td>{r.audio ? seconds(r.audio.durationMs) : '—'}</td>
      <td>{r.analysis ? talkTime(r.analysis.talkedTimeMs) : '—'}</td>
      <td>{r.analysis ? sentimentWord(r.analysis.sentiment.score) : '—'}</td>
      <td>
        <button type="button" className="danger small" onClick={onDelete} aria-label={`Delete recording from ${when}`}>
          Delete
        </button>
      </td>
    </tr>
  );
}
