import { RunningAverage } from './running-average.ts';

/**
 * Frame advantage between this peer and one remote peer (all figures in frames).
 *
 * Each side estimates how far it is ahead of the other: its own frame minus the remote frame it
 * last heard of, projected forward by the time since (half a round trip plus the time the packet
 * waited here). Each estimate carries the error of its round-trip guess, but the two errors are
 * nearly equal and opposite, so half the difference of the two sides' estimates is a good measure
 * of how far this side is really ahead. A side that is ahead should slow down: otherwise the other
 * side keeps receiving inputs "from the future" too late and rolls back every frame.
 */
export class TimeSync {
  private readonly local: RunningAverage;
  private remote = 0;
  private remoteKnown = false;
  /**
   * The estimate reported while the sample window is empty after `restart()` (frames): the last
   * mean before it, which was right for the old route (the lead itself does not change when a
   * route does), so a quality report sent before new samples exist does not claim a level 0.
   */
  private carried = 0;

  /** @param window Samples averaged (frames); ~half a second smooths out jitter. */
  constructor(window = 32) {
    this.local = new RunningAverage(window);
  }

  /** One sample per local frame: how far ahead of the remote this side estimates it is. */
  addLocalSample(framesAhead: number): void {
    this.local.add(framesAhead);
  }

  /** The remote's own estimate of how far ahead of us it is, from its quality report. */
  setRemoteAdvantage(framesAhead: number): void {
    this.remote = framesAhead;
    this.remoteKnown = true;
  }

  /** Our estimate of our lead over the remote (frames; negative: behind). */
  get localAdvantage(): number {
    return this.local.size > 0 ? this.local.mean : this.carried;
  }

  /** The remote's estimate of its lead over us (frames). */
  get remoteAdvantage(): number {
    return this.remote;
  }

  /**
   * How many frames we should give up so that both sides run level. 0 until both estimates exist:
   * acting on one side's guess alone would chase its round-trip error.
   */
  get framesAhead(): number {
    if (!this.remoteKnown || this.local.size === 0) return 0;
    return (this.local.mean - this.remote) / 2;
  }

  reset(): void {
    this.local.reset();
    this.remote = 0;
    this.remoteKnown = false;
    this.carried = 0;
  }

  /**
   * Starts over after the route to the remote changed: local samples were projected with the old
   * route's round trip, and the remote's estimate with its own, so both go; `framesAhead` is 0
   * (no correction) until a new sample and a new report exist. `localAdvantage` keeps reporting
   * the last mean until then (see `carried`).
   */
  restart(): void {
    this.carried = this.localAdvantage;
    this.local.reset();
    this.remote = 0;
    this.remoteKnown = false;
  }
}
