import { describe, expect, it } from 'vitest';
import { controlsFor, initialRecorderState, recorderReducer, type RecorderEvent, type RecorderState, type Take } from './machine';

const take: Take = { audio: new Blob(['x'.repeat(10)]), filename: 'a.webm', durationMs: 4000, source: 'microphone', recordedAt: '2026-01-01T00:00:00Z' };
const run = (events: RecorderEvent[], from: RecorderState = initialRecorderState) => events.reduce(recorderReducer, from);

describe('recorder state machine', () => {
  it('goes idle → recording → recorded → uploading → uploaded', () => {
    const states = [{ type: 'start', at: 1 }, { type: 'stop', take }, { type: 'upload' }, { type: 'progress', loaded: 5, total: 10 }, { type: 'uploaded', recordingId: 'r1' }] as RecorderEvent[];
    const kinds = states.reduce<RecorderState[]>((acc, e) => [...acc, recorderReducer(acc[acc.length - 1]!, e)], [initialRecorderState]).map((s) => s.kind);
    expect(kinds).toEqual(['idle', 'recording', 'recorded', 'uploading', 'uploading', 'uploaded']);
    expect(run(states.slice(0, 4))).toMatchObject({ kind: 'uploading', loaded: 5, total: 10 });
  });

  it('offers retry only for retryable failures', () => {
    const transient = run([{ type: 'file', take }, { type: 'upload' }, { type: 'upload-failed', error: 'busy', retryable: true }]);
    expect(controlsFor(transient).canUpload).toBe(true);
    expect(recorderReducer(transient, { type: 'upload' }).kind).toBe('uploading');

    const permanent = run([{ type: 'file', take }, { type: 'upload' }, { type: 'upload-failed', error: 'not audio', retryable: false }]);
    expect(controlsFor(permanent).canUpload).toBe(false);
    expect(recorderReducer(permanent, { type: 'upload' })).toBe(permanent);
    expect(run([{ type: 'discard' }], permanent).kind).toBe('idle');
  });

  it('keeps the take when an upload is cancelled', () => {
    const s = run([{ type: 'file', take }, { type: 'upload' }, { type: 'cancelled' }]);
    expect(s).toMatchObject({ kind: 'recorded', take, notice: expect.stringContaining('cancelled') });
  });

  it('ignores events that make no sense in the current state', () => {
    const uploading = run([{ type: 'file', take }, { type: 'upload' }]);
    expect(recorderReducer(uploading, { type: 'start', at: 2 })).toBe(uploading);
    expect(recorderReducer(uploading, { type: 'file', take })).toBe(uploading);
    expect(recorderReducer(uploading, { type: 'discard' })).toBe(uploading);
    expect(recorderReducer(initialRecorderState, { type: 'stop', take })).toBe(initialRecorderState);
    expect(recorderReducer(initialRecorderState, { type: 'uploaded', recordingId: 'x' })).toBe(initialRecorderState);
    const recording = run([{ type: 'start', at: 1 }]);
    expect(controlsFor(recording)).toMatchObject({ canStart: false, canStop: true, canUpload: false, canPickFile: false });
  });

  it('returns to idle with the reason when capture fails', () => {
    expect(run([{ type: 'start', at: 1 }, { type: 'capture-failed', error: 'mic gone' }])).toEqual({ kind: 'idle', notice: 'mic gone' });
  });
});
