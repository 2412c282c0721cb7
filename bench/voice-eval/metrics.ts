import type { SentimentLabel } from '@voicepulse/analysis';

export type Span = { startMs: number; endMs: number };

const FRAME_MS = 10;

/** Frame-level (10 ms) precision/recall/F1 of detected speech against the true speech spans. */
export function frameF1(
  truth: Span[],
  detected: Span[],
  durationMs: number,
): { precision: number; recall: number; f1: number } {
  const inside = (spans: Span[], t: number) => spans.some((s) => t >= s.startMs && t < s.endMs);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let t = FRAME_MS / 2; t < durationMs; t += FRAME_MS) {
    const a = inside(truth, t);
    const b = inside(detected, t);
    if (a && b) tp++;
    else if (b) fp++;
    else if (a) fn++;
  }
  const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
  return {
    precision,
    recall,
    f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
  };
}

export const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
export const std = (xs: number[]) => {
  const m = mean(xs);
  return Math.sqrt(mean(xs.map((x) => (x - m) ** 2)));
};
export function percentile(xs: number[], p: number): number {
  if (!xs.length) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const LABELS: SentimentLabel[] = ['positive', 'neutral', 'negative'];

export class Confusion {
  private readonly m = new Map<string, number>();
  private n = 0;
  add(truth: SentimentLabel, predicted: SentimentLabel): void {
    const k = `${truth}/${predicted}`;
    this.m.set(k, (this.m.get(k) ?? 0) + 1);
    this.n++;
  }
  get total(): number {
    return this.n;
  }
  accuracy(): number {
    return LABELS.reduce((acc, l) => acc + (this.m.get(`${l}/${l}`) ?? 0), 0) / this.n;
  }
  /** Share of positive/negative clips whose predicted label has the right sign (neutral counts as wrong). */
  signAccuracy(): number {
    const polar = ['positive', 'negative'] as const;
    const total = polar.reduce(
      (n, t) => n + LABELS.reduce((k, p) => k + (this.m.get(`${t}/${p}`) ?? 0), 0),
      0,
    );
    return polar.reduce((n, l) => n + (this.m.get(`${l}/${l}`) ?? 0), 0) / total;
  }
  table(): string {
    const rows = [
      `| truth \\ predicted | ${LABELS.join(' | ')} |`,
      `|---|${LABELS.map(() => '---:').join('|')}|`,
    ];
    for (const t of LABELS)
      rows.push(`| ${t} | ${LABELS.map((p) => this.m.get(`${t}/${p}`) ?? 0).join(' | ')} |`);
    return rows.join('\n');
  }
}
