import { codePointLength, isDisplayText, truncateCodePoints } from './display-text.ts';

/** Longest member name (code points), after trimming. */
export const MAX_MEMBER_NAME_LENGTH = 24;
/** Longer raw inputs are refused before any work is done on them (UTF-16 units). */
const MAX_RAW_NAME_LENGTH = 256;

/**
 * The name a member asked for, cleaned up: NFC-normalized (so that the same name typed on two
 * keyboards compares equal) and trimmed. Undefined unless the result is 1..24 code points of
 * display text (no control or invisible format characters, see `display-text.ts`). Never throws.
 */
export function normalizeMemberName(input: unknown): string | undefined {
  if (typeof input !== 'string' || input.length > MAX_RAW_NAME_LENGTH) return undefined;
  const name = input.normalize('NFC').trim();
  return isDisplayText(name, 1, MAX_MEMBER_NAME_LENGTH) ? name : undefined;
}

/**
 * `name`, or if another member already has it (compared case-insensitively), `name 2`, `name 3`,
 * ... whichever is free first, the base cut short so that the result still has at most 24 code
 * points. `taken` are the names in use; at most 24 members, so a free suffix is always found.
 */
export function uniqueMemberName(name: string, taken: Iterable<string>): string {
  const used = new Set<string>();
  for (const t of taken) used.add(t.toLowerCase());
  if (!used.has(name.toLowerCase())) return name;
  for (let n = 2; ; n++) {
    const suffix = ` ${n}`;
    const room = MAX_MEMBER_NAME_LENGTH - suffix.length;
    const base = codePointLength(name) > room ? truncateCodePoints(name, room).trimEnd() : name;
    const candidate = `${base}${suffix}`;
    if (!used.has(candidate.toLowerCase())) return candidate;
  }
}
