/**
 * Polls until `probe` returns a value: anything but undefined, null, false or 0 (a missing row
 * or a count of nothing is "not yet", never success). A probe that waits for zero must say so,
 * e.g. `() => n === 0`. The bound is a safety net so a
 * broken pipeline fails the test with the last observed value, not a hang; it is not a timing assertion.
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | null | false | 0> | T | undefined | null | false | 0,
  { timeoutMs = 60_000, intervalMs = 100, what = 'condition' }: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false && value !== 0) return value as T;
      last = value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
