import { z } from 'zod';

// C0 controls, DEL and C1 controls: Postgres refuses NUL in text and jsonb, and the rest are
// invisible in every UI and log that shows them. A `\p{Cs}` match under the `u` flag is a lone
// surrogate (a paired one reads as one code point), which UTF-8 cannot encode.
const CONTROL_OR_LONE_SURROGATE = /[\u0000-\u001f\u007f-\u009f]|\p{Cs}/u;
// Free text (a transcript) may keep its tabs and line breaks.
const CONTROL_BUT_WHITESPACE_OR_LONE_SURROGATE =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|\p{Cs}/u;

export const PLAIN_TEXT_MESSAGE = 'must not contain control characters or lone surrogates';

/** True when `s` has no control character and no lone surrogate: what may be stored as-is. */
export function isPlainText(s: string): boolean {
  return !CONTROL_OR_LONE_SURROGATE.test(s);
}

/** A one-line string field: names, ids, versions. */
export const plainText = (min: number, max: number) =>
  z.string().min(min).max(max).refine(isPlainText, PLAIN_TEXT_MESSAGE);

/** A multi-line free-text field: tabs, CR and LF allowed, other controls and lone surrogates not. */
export const freeText = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !CONTROL_BUT_WHITESPACE_OR_LONE_SURROGATE.test(s), PLAIN_TEXT_MESSAGE);
