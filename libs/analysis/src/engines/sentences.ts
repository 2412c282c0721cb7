/**
 * Splits text into sentences for per-sentence VADER scoring. VADER is tuned on single sentences; on a
 * paragraph its compound score saturates towards ±1, so scoring sentence by sentence keeps one strong
 * sentence from hiding a call that was mostly neutral.
 *
 * Deliberately simple: terminal punctuation (., !, ?, …) followed by whitespace, plus line breaks.
 * Common abbreviations are protected so "Mr. Smith" stays one sentence. Unpunctuated STT output comes
 * back as a single sentence, which is the honest answer.
 */
const ABBREVIATIONS = new Set([
  'mr',
  'mrs',
  'ms',
  'dr',
  'prof',
  'sr',
  'jr',
  'st',
  'vs',
  'etc',
  'e.g',
  'i.e',
  'no',
]);

export function splitSentences(text: string): string[] {
  const sentences: string[] = [];
  for (const line of text.split(/\r?\n+/)) {
    let current = '';
    const tokens = line.split(/(\s+)/);
    for (const token of tokens) {
      current += token;
      const m = /^(.*?)([.!?…]+)["')\]]*$/.exec(token);
      if (!m) continue;
      const word = (m[1] ?? '').toLowerCase();
      if ((m[2] ?? '') === '.' && ABBREVIATIONS.has(word)) continue;
      pushTrimmed(sentences, current);
      current = '';
    }
    pushTrimmed(sentences, current);
  }
  return sentences;
}

function pushTrimmed(out: string[], s: string): void {
  const t = s.trim();
  // A lone punctuation run ("...") carries no words to score.
  if (/[\p{L}\p{N}]/u.test(t)) out.push(t);
}

export function wordCount(s: string): number {
  return s.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}
