import { describe, expect, it } from 'vitest';
import { monthOf } from './partitions';

describe('monthOf', () => {
  it('names the UTC month of UTC strings, offset strings and Dates alike', () => {
    expect(monthOf('2026-11-30T23:59:59.999Z')).toBe('2026-11-01');
    expect(monthOf('2026-12-01T00:00:00Z')).toBe('2026-12-01');
    // An offset moves the instant into the previous UTC month.
    expect(monthOf('2026-11-01T00:30:00+01:00')).toBe('2026-10-01');
    expect(monthOf('2026-10-31T23:30:00-01:00')).toBe('2026-11-01');
    expect(monthOf(new Date(Date.UTC(2027, 0, 15)))).toBe('2027-01-01');
  });
});
