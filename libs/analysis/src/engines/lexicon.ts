// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- workspaces compile this file through tsconfig paths, so the ambient types must travel with it
/// <reference path="../vader.d.ts" />
import vader from 'vader-sentiment';
import { labelFor } from '../label';
import type { SentenceSentiment } from '../types';
import { splitSentences, wordCount } from './sentences';

export interface TextSentiment {
  /** Word-count-weighted mean of sentence compounds, in [-1, 1]. */
  score: number;
  sentences: (SentenceSentiment & { words: number })[];
}

export function scoreSentence(text: string): number {
  return vader.SentimentIntensityAnalyzer.polarity_scores(text).compound;
}

/**
 * Scores text sentence by sentence. The overall score weights each sentence by its word count (the
 * averaging VADER's authors suggest for multi-sentence text, with length as a proxy for how much of the
 * call a sentence represents).
 */
export function scoreText(text: string): TextSentiment {
  const sentences = splitSentences(text).map((s) => {
    const score = scoreSentence(s);
    return { text: s, score, label: labelFor(score), words: Math.max(1, wordCount(s)) };
  });
  const totalWords = sentences.reduce((n, s) => n + s.words, 0);
  const score = totalWords === 0 ? 0 : sentences.reduce((acc, s) => acc + s.score * s.words, 0) / totalWords;
  return { score, sentences };
}
