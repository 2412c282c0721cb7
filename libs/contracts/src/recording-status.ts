import { z } from 'zod';

/**
 * The recording life cycle, declared once: the API enum, the database enum, the order the
 * status stream and the web app report in, and the moves the repository allows all come
 * from here.
 */
export const RECORDING_STATUSES = [
  'uploaded',
  'transcoding',
  'transcoded',
  'scoring',
  'scored',
  'failed',
] as const;
export const recordingStatusSchema = z.enum(RECORDING_STATUSES);
export type RecordingStatus = z.infer<typeof recordingStatusSchema>;

/**
 * Allowed moves. A stage may re-enter its own state (a retried or re-delivered attempt of the
 * same job: a score job delivered twice re-saves the same analysis), every unfinished state may
 * fail, and nothing leaves a terminal state. The first failure's reason is the one kept.
 */
export const RECORDING_TRANSITIONS: Readonly<Record<RecordingStatus, readonly RecordingStatus[]>> = {
  uploaded: ['transcoding', 'failed'],
  transcoding: ['transcoding', 'transcoded', 'failed'],
  transcoded: ['scoring', 'failed'],
  scoring: ['scoring', 'scored', 'failed'],
  scored: ['scored'],
  failed: [],
};

/** States nothing moves on from: a status stream ends on them, the web app stops following. */
export const TERMINAL_STATUSES: readonly RecordingStatus[] = RECORDING_STATUSES.filter((s) =>
  RECORDING_TRANSITIONS[s].every((to) => to === s),
);

export function canTransition(from: RecordingStatus, to: RecordingStatus): boolean {
  return RECORDING_TRANSITIONS[from].includes(to);
}

/** Every state that may move to `to`: the guard a conditional UPDATE needs. */
export function statusesLeadingTo(to: RecordingStatus): RecordingStatus[] {
  return RECORDING_STATUSES.filter((s) => canTransition(s, to));
}

/**
 * Position in the life cycle, so a reader that sees a row and a live event in either order
 * never reports a step backwards. `failed` ranks last: it ends the stream like `scored`.
 */
export function statusRank(status: RecordingStatus): number {
  return RECORDING_STATUSES.indexOf(status);
}
