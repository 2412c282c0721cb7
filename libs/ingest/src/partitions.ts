import type pg from 'pg';

const DAY_MS = 86_400_000;

const UTC_ISO_PREFIX = /^\d{4}-\d{2}-\d{2}T/;

/** First day of the UTC month containing `at`, as `YYYY-MM-01`. */
export function monthOf(at: Date | string): string {
  // The writer asks for every event: an ISO time in UTC ('Z', as normalised events are) names its
  // month in its first characters, without building a Date.
  if (typeof at === 'string' && at.endsWith('Z') && UTC_ISO_PREFIX.test(at)) return `${at.slice(0, 7)}-01`;
  const d = typeof at === 'string' ? new Date(at) : at;
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-01`;
}

export function addMonths(month: string, n: number): string {
  const d = new Date(`${month}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + n);
  return monthOf(d);
}

export function partitionName(month: string): string {
  return `metric_events_p${month.slice(0, 4)}${month.slice(5, 7)}`;
}

type Queryable = Pick<pg.Pool, 'query'>;

/** Creates the monthly partition for each month (idempotent; the SQL function serialises creators). */
export async function ensureMonthPartitions(db: Queryable, months: Iterable<string>): Promise<string[]> {
  const created: string[] = [];
  for (const month of new Set(months)) {
    const { rows } = await db.query<{ name: string }>(
      'select metric_events_ensure_partition($1::date) as name',
      [month],
    );
    created.push(rows[0]!.name);
  }
  return created;
}

/** The maintenance task: the current month and `monthsAhead` following ones exist before data arrives. */
export async function ensurePartitionsAhead(
  db: Queryable,
  monthsAhead: number,
  now = new Date(),
): Promise<string[]> {
  const current = monthOf(now);
  return ensureMonthPartitions(
    db,
    Array.from({ length: monthsAhead + 1 }, (_, i) => addMonths(current, i)),
  );
}

export interface PartitionInfo {
  name: string;
  from: Date;
  to: Date;
}

export async function listPartitions(db: Queryable): Promise<PartitionInfo[]> {
  const { rows } = await db.query<{ name: string; bound: string }>(
    `select c.relname as name, pg_get_expr(c.relpartbound, c.oid) as bound
       from pg_inherits i join pg_class c on c.oid = i.inhrelid
      where i.inhparent = 'public.metric_events'::regclass
      order by 1`,
  );
  return rows.map((r) => {
    const [from, to] = [...r.bound.matchAll(/'([^']+)'/g)].map((m) => new Date(m[1]!));
    return { name: r.name, from: from!, to: to! };
  });
}

/**
 * Retention as a job: partitions whose whole range is older than `retentionDays` are dropped
 * (instant, no vacuum debt, unlike DELETE). Rollups are kept: they are small and are the history.
 */
export async function dropExpiredPartitions(
  db: Queryable,
  retentionDays: number,
  now = new Date(),
): Promise<string[]> {
  const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
  const dropped: string[] = [];
  for (const p of await listPartitions(db)) {
    if (p.to.getTime() > cutoff.getTime()) continue;
    await db.query(`drop table if exists public."${p.name.replace(/"/g, '')}"`);
    dropped.push(p.name);
  }
  await db.query('delete from metric_daily_sessions where day < $1::date', [
    cutoff.toISOString().slice(0, 10),
  ]);
  return dropped;
}
