/**
 * Differential testing of a fast validator against the schema it was generated from: random
 * variants of valid values, reproducible from a printed seed.
 */

/** Values tried in every field: each type, the bounds and just past them, and format edge cases. */
export const PROBES: readonly unknown[] = [
  undefined,
  null,
  true,
  false,
  0,
  -0,
  1,
  -1,
  1.5,
  -1.0001,
  1.0001,
  86_400_000,
  86_400_001,
  -5,
  NaN,
  Infinity,
  -Infinity,
  '',
  'x',
  'x'.repeat(128),
  'x'.repeat(129),
  [],
  {},
  'api',
  'recording',
  'negative',
  'neutral',
  'positive',
  'Positive',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '8D7F2C1E-3B4A-4C5D-9E6F-7A8B9C0D1E2F',
  '8d7f2c1e-3b4a-0c5d-9e6f-7a8b9c0d1e2f',
  '8d7f2c1e-3b4a-4c5d-7e6f-7a8b9c0d1e2f',
  '8d7f2c1e3b4a4c5d9e6f7a8b9c0d1e2f',
  ' 8d7f2c1e-3b4a-4c5d-9e6f-7a8b9c0d1e2f',
  '8d7f2c1e-3b4a-9c5d-9e6f-7a8b9c0d1e2f',
  '8d7f2c1e-3b4a-4c5d-ce6f-7a8b9c0d1e2f',
  '8d7f2c1g-3b4a-4c5d-9e6f-7a8b9c0d1e2f',
  '8d7f2c1e-3b4a-4c5d-Be6f-7a8b9c0d1e2f',
  '8d7f2c1e-3b4a-4c5d-9e6f-7a8b9c0d1e2',
  '8d7f2c1e-3b4a-4c5d-9e6f-7a8b9c0d1e2ff',
  'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
  '8d7f2c1e-3b4a-4c5d-9e6f-7a8b9c0d1é2f',
  '2026-11-01T10:00:00Z',
  '2026-11-01T10:00:00.123456+05:30',
  '2026-11-01T10:00:00-00:00',
  '2026-11-01 10:00:00Z',
  '2026-11-01T10:00:00',
  '2026-02-29T00:00:00Z',
  '2028-02-29T00:00:00Z',
  '2026-04-31T00:00:00Z',
  '2026-13-01T00:00:00Z',
  '2026-11-01T24:00:00Z',
  '+012026-11-01T10:00:00.000Z',
  '2026-11-01T10:00:00.000Z\n',
  '2026-11-01',
  'Europe/Paris',
  'Mars/Base',
  'x'.repeat(32),
  'x'.repeat(33),
  'x'.repeat(64),
  'x'.repeat(65),
  'bench-user_1@a:b.c',
  'user one',
  'user/1',
  'a\u0000b',
  '\u0000',
  'tab\there',
  'del\u007f',
  'c1\u0085',
  'lone\ud800',
  '\udc00x',
  'pair\u{1F600}',
  '\u{1F600}'.repeat(20),
];

/** mulberry32: small, fast and the same sequence for the same seed everywhere. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed of this run: `DIFFERENTIAL_SEED` or a fixed default, printed so a failure can be replayed. */
export function differentialSeed(what: string, fallback = 20261213): number {
  const seed = Number(process.env.DIFFERENTIAL_SEED ?? fallback);
  // eslint-disable-next-line no-console -- in every run's output, so a failure can be replayed
  console.log(`${what}: differential seed ${seed} (DIFFERENTIAL_SEED=${seed} replays it)`);
  return seed;
}

// Characters that matter to the fields' formats and to the plain-text rule.
const ALPHABET = [
  ...'0123456789abcdefABCDEFgxzT:.+-Z/_@ é',
  '\u0000',
  '\t',
  '\u007f',
  '\u0085',
  '\ud800',
  '\udc00',
  '\u{1F600}',
];

/**
 * `count` variants of the `bases`, each with one to three changes: a field set to a probe, a
 * character of a string field replaced, inserted or deleted, a field removed, or an unknown key
 * added. Most are invalid in one field, and a fair share stay valid.
 */
export function* mutants(
  bases: readonly Record<string, unknown>[],
  rand: () => number,
  count: number,
): Generator<Record<string, unknown>> {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  for (let n = 0; n < count; n++) {
    const v: Record<string, unknown> = { ...pick(bases) };
    const changes = 1 + Math.floor(rand() * 3);
    for (let c = 0; c < changes; c++) {
      const key = pick(Object.keys(v).length ? Object.keys(v) : ['x']);
      const kind = rand();
      const current = v[key];
      if (kind < 0.4) v[key] = pick(PROBES);
      else if (kind < 0.8 && typeof current === 'string') {
        const chars = [...current];
        const at = Math.floor(rand() * (chars.length + 1));
        const op = rand();
        if (op < 0.5 && at < chars.length) chars[at] = pick(ALPHABET);
        else if (op < 0.8) chars.splice(at, 0, pick(ALPHABET));
        else chars.splice(at, 1);
        v[key] = chars.join('');
      } else if (kind < 0.9) delete v[key];
      else v[pick(['extra', 'colour', `${key}_`])] = pick(PROBES);
    }
    yield v;
  }
}
