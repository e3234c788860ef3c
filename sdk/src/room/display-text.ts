/**
 * Rules for text that members send for others to see (names, chat). Such text is shown on other
 * players' screens, so it must not be able to break a layout or pretend to be something else.
 */

/**
 * Characters never allowed: control characters (C0, DEL, C1), unpaired surrogates (not valid
 * UTF-16; they would not survive UTF-8), line and paragraph separators, and invisible format
 * characters (bidirectional overrides that reorder the text around them, zero-width spaces, the
 * BOM, tag characters). The zero-width joiner U+200D is the one format character allowed: emoji
 * sequences need it.
 */
const FORBIDDEN = /[\p{Cc}\p{Cs}\p{Zl}\p{Zp}]|(?!\u200d)\p{Cf}/u;

/** Characters as people count them: Unicode code points (an emoji is one, not two UTF-16 units). */
export function codePointLength(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // A high surrogate followed by a low one is one code point.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/**
 * Whether `value` is a string of `min..max` code points with no forbidden character. Never
 * throws; refuses strings of more than 2 × max UTF-16 units (the most `max` code points can take) before looking at them.
 */
export function isDisplayText(value: unknown, min: number, max: number): value is string {
  if (typeof value !== 'string' || value.length > 2 * max) return false;
  const length = codePointLength(value);
  return length >= min && length <= max && !FORBIDDEN.test(value);
}

/** The first `max` code points of `text` (never splits a surrogate pair). */
export function truncateCodePoints(text: string, max: number): string {
  let out = '';
  let n = 0;
  for (const ch of text) {
    if (n === max) break;
    out += ch;
    n++;
  }
  return out;
}
