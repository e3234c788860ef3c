/**
 * One receiver's datagrams in flight, ordered by delivery time (ms) and then by push order, so
 * datagrams due at the same instant come out in the order they were sent.
 *
 * A binary min-heap over parallel arrays: O(log n) per push and pop with no per-entry object, since
 * a benchmark pushes millions of datagrams. `T` is a tag the simulator attaches to each datagram
 * (its link) for the per-link counters.
 */
export class DeliveryQueue<T> {
  #times = new Float64Array(64);
  /** Push order, for ties. A float64 counts exactly far past any realistic run (2^53). */
  #orders = new Float64Array(64);
  #tags: (T | undefined)[] = [];
  #data: (Uint8Array | undefined)[] = [];
  #size = 0;
  #pushed = 0;

  /** Datagrams waiting. */
  get size(): number {
    return this.#size;
  }

  /** Delivery time (ms) of the next datagram; Infinity when empty. */
  peekTime(): number {
    return this.#size === 0 ? Infinity : (this.#times[0] as number);
  }

  /** Tag of the next datagram. Only valid when size > 0. */
  peekTag(): T {
    return this.#tags[0] as T;
  }

  /** Bytes of the next datagram. Only valid when size > 0. */
  peekData(): Uint8Array {
    return this.#data[0] as Uint8Array;
  }

  push(timeMs: number, tag: T, data: Uint8Array): void {
    if (this.#size === this.#times.length) this.#grow();
    const order = this.#pushed++;
    const times = this.#times;
    const orders = this.#orders;
    const tags = this.#tags;
    const datas = this.#data;
    // Sift up with a hole: move parents down until the new entry's slot is found. The new entry
    // has the highest push order, so a parent due at the same time stays ahead of it.
    let hole = this.#size++;
    while (hole > 0) {
      const parent = (hole - 1) >> 1;
      const parentTime = times[parent] as number;
      if (parentTime <= timeMs) break;
      times[hole] = parentTime;
      orders[hole] = orders[parent] as number;
      tags[hole] = tags[parent];
      datas[hole] = datas[parent];
      hole = parent;
    }
    times[hole] = timeMs;
    orders[hole] = order;
    tags[hole] = tag;
    datas[hole] = data;
  }

  /** Removes the next datagram (read it first with peekTag / peekData). No-op when empty. */
  pop(): void {
    if (this.#size === 0) return;
    const last = --this.#size;
    const times = this.#times;
    const orders = this.#orders;
    const tags = this.#tags;
    const datas = this.#data;
    const time = times[last] as number;
    const order = orders[last] as number;
    const tag = tags[last];
    const data = datas[last];
    tags[last] = undefined;
    datas[last] = undefined;
    if (last === 0) {
      tags[0] = undefined;
      datas[0] = undefined;
      return;
    }
    // Sift the former last entry down from the root.
    let hole = 0;
    for (;;) {
      let child = 2 * hole + 1;
      if (child >= last) break;
      const right = child + 1;
      if (right < last) {
        const ct = times[child] as number;
        const rt = times[right] as number;
        if (rt < ct || (rt === ct && (orders[right] as number) < (orders[child] as number))) child = right;
      }
      const childTime = times[child] as number;
      if (time < childTime || (time === childTime && order < (orders[child] as number))) break;
      times[hole] = childTime;
      orders[hole] = orders[child] as number;
      tags[hole] = tags[child];
      datas[hole] = datas[child];
      hole = child;
    }
    times[hole] = time;
    orders[hole] = order;
    tags[hole] = tag;
    datas[hole] = data;
  }

  /** Calls `visit` with the tag of every waiting datagram (any order), then empties the queue. */
  clear(visit?: (tag: T) => void): void {
    for (let i = 0; i < this.#size; i++) {
      if (visit !== undefined) visit(this.#tags[i] as T);
      this.#tags[i] = undefined;
      this.#data[i] = undefined;
    }
    this.#size = 0;
  }

  #grow(): void {
    const capacity = this.#times.length * 2;
    const times = new Float64Array(capacity);
    times.set(this.#times);
    this.#times = times;
    const orders = new Float64Array(capacity);
    orders.set(this.#orders);
    this.#orders = orders;
  }
}
