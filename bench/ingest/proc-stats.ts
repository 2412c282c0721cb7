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

/** CPU seconds (user + system) used so far by each group of processes, from /proc. */
export async function cpuSeconds(pids: Record<string, number[]>): Promise<Record<string, number>> {
  const tick = 100; // USER_HZ on Linux
  const out: Record<string, number> = {};
  for (const [name, list] of Object.entries(pids)) {
    out[name] = 0;
    for (const pid of list) {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
      // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out[name] += (Number(f[11] ?? 0) + Number(f[12] ?? 0)) / tick;
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
