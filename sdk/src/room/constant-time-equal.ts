/**
 * Whether two strings are equal, taking a time that depends only on the longer length, not on
 * where they first differ: the comparison never exits early, so timing a wrong password or token
 * does not reveal how much of it was right. (JavaScript engines promise nothing about timing; this
 * removes the obvious leak, which is what a LAN host needs.)
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const n = Math.max(a.length, b.length);
  let diff = a.length ^ b.length;
  for (let i = 0; i < n; i++) {
    // charCodeAt past the end is NaN, and NaN | 0 is 0; the length difference is already counted.
    diff |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0);
  }
  return diff === 0;
}
