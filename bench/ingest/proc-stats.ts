/** CPU and memory accounting of live processes from /proc, shared by the ingestion benchmarks. */
import { readdir, readFile, writeFile } from 'node:fs/promises';

async function statusField(pid: number | undefined, field: string): Promise<number> {
  if (!pid) return NaN;
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  return Math.round(Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN) / 1024);
}

/** Peak resident set of a live process in MB, from the kernel's high-water mark. */
export const peakRssMb = (pid: number | undefined) => statusField(pid, 'VmHWM');

/** Current resident set of a live process in MB. */
export const rssMb = (pid: number | undefined) => statusField(pid, 'VmRSS');

/** Resets the high-water mark to the current RSS, so a later peakRssMb covers only what follows. */
export async function resetPeakRss(pid: number | undefined): Promise<void> {
  if (pid) await writeFile(`/proc/${pid}/clear_refs`, '5');
}

/**
 * CPU seconds (user + system) used so far by each group of processes, from /proc; with
 * `withChildren`, plus what their exited and waited-for children used (e.g. an STT subprocess).
 */
export async function cpuSeconds(
  pids: Record<string, number[]>,
  { withChildren = false } = {},
): Promise<Record<string, number>> {
  const tick = 100; // USER_HZ on Linux
  const out: Record<string, number> = {};
  for (const [name, list] of Object.entries(pids)) {
    out[name] = 0;
    for (const pid of list) {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
      // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out[name] += (Number(f[11] ?? 0) + Number(f[12] ?? 0)) / tick;
      // cutime and cstime: the 14th and 15th.
      if (withChildren) out[name] += (Number(f[13] ?? 0) + Number(f[14] ?? 0)) / tick;
    }
  }
  return out;
}

/** CPU seconds the whole machine spent busy, and idle waiting for I/O, so far (from /proc/stat). */
export async function machineCpuSeconds(): Promise<{ busy: number; iowait: number }> {
  const line = (await readFile('/proc/stat', 'utf8')).split('\n')[0]!;
  const [user, nice, system, , iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return { busy: (user! + nice! + system! + irq! + softirq! + steal!) / 100, iowait: iowait! / 100 };
}

/** Pids whose command name is `comm` (Postgres backends come and go: sampled at both ends). */
export async function pidsOf(comm: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const name = await readFile(`/proc/${entry}/comm`, 'utf8').catch(() => '');
    if (name.trim() === comm) pids.push(Number(entry));
  }
  return pids;
}

/** Postgres backends serving `database` now (pg_stat_activity), so a bench counts its own only. */
export async function backendPids(db: { query: (sql: string, params: unknown[]) => Promise<{ rows: { pid: number }[] }> }, database: string): Promise<number[]> {
  const { rows } = await db.query('select pid from pg_stat_activity where datname = $1', [database]);
  return rows.map((r) => r.pid);
}

/** CPU seconds per pid, for deltas over processes that may appear or vanish in between. */
export async function cpuByPid(pids: number[]): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  for (const pid of pids) out.set(pid, (await cpuSeconds({ p: [pid] })).p!);
  return out;
}

/** CPU used between two cpuByPid snapshots: processes new in `after` count from zero. */
export function cpuDelta(before: Map<number, number>, after: Map<number, number>): number {
  let sum = 0;
  for (const [pid, s] of after) sum += s - (before.get(pid) ?? 0);
  return sum;
}
