import { describe, expect, it } from 'vitest';
import {
  RECORDING_STATUSES,
  RECORDING_TRANSITIONS,
  TERMINAL_STATUSES,
  canTransition,
  statusRank,
  statusesLeadingTo,
} from './recording-status';

describe('recording state machine', () => {
  it('reaches scored and failed from upload, and nothing leaves them', () => {
    const reachable = new Set<string>(['uploaded']);
    for (let grew = true; grew;) {
      grew = false;
      for (const from of reachable) {
        for (const to of RECORDING_TRANSITIONS[from as keyof typeof RECORDING_TRANSITIONS]) {
          if (reachable.has(to)) continue;
          reachable.add(to);
          grew = true;
        }
      }
    }
    expect([...reachable].sort()).toEqual([...RECORDING_STATUSES].sort());
    expect(TERMINAL_STATUSES).toEqual(['scored', 'failed']);
    for (const s of TERMINAL_STATUSES) expect(RECORDING_TRANSITIONS[s].filter((to) => to !== s)).toEqual([]);
  });

  it('never moves backwards except into failed', () => {
    for (const from of RECORDING_STATUSES) {
      for (const to of RECORDING_TRANSITIONS[from])
        expect(statusRank(to)).toBeGreaterThanOrEqual(statusRank(from));
    }
    expect(canTransition('scored', 'failed')).toBe(false);
    expect(canTransition('uploaded', 'scoring')).toBe(false);
    expect(statusesLeadingTo('failed')).toEqual(['uploaded', 'transcoding', 'transcoded', 'scoring']);
  });
});
