import type { RecordingStatus } from '@voicepulse/contracts';

const LABELS: Record<RecordingStatus, string> = {
  uploaded: 'Uploaded',
  transcoding: 'Transcoding',
  transcoded: 'Transcoded',
  scoring: 'Scoring',
  scored: 'Scored',
  failed: 'Failed',
};

export function StatusBadge({ status }: { status: RecordingStatus }) {
  const busy = status !== 'scored' && status !== 'failed';
  return (
    <span className={`badge badge-${status}`} data-status={status}>
      {busy && <span className="spinner" aria-hidden="true" />}
      {LABELS[status]}
    </span>
  );
}
