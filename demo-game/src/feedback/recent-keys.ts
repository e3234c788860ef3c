/**
 * The last `capacity` event keys seen, in a fixed ring (no allocation after construction): a
 * predicted effect whose key is here was already shown, and a rollback that re-simulates it must
 * not show it again. Keys are non-negative integers below 2^53 (built from frame and player).
 */
export class RecentKeys {
  private readonly keys: Float64Array;
  private next = 0;

  constructor(capacity: number) {
    this.keys = new Float64Array(capacity).fill(-1);
  }

  has(key: number): boolean {
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) if (keys[i] === key) return true;
    return false;
  }

  /** Records `key` unless it is already there; returns true if it was new. */
  add(key: number): boolean {
    if (this.has(key)) return false;
    this.keys[this.next] = key;
    this.next = (this.next + 1) % this.keys.length;
    return true;
  }

  clear(): void {
    this.keys.fill(-1);
    this.next = 0;
  }
}
