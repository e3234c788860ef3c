import { describe, expect, it } from 'vitest';
import { EndpointState, PeerEndpoint } from '../../sdk/src/core/peer-endpoint.ts';
import type { EndpointEvent, SendContext } from '../../sdk/src/core/peer-endpoint.ts';
import type { ConnectStatus, Message } from '../../sdk/src/protocol/messages.ts';
import { MessageType } from '../../sdk/src/protocol/messages.ts';

// One endpoint (we are player 0, the peer is player 1) in virtual time, with a fake send that
// records what goes out and when. The test plays the peer by hand.

const FINGERPRINT = 0x1234abcd;
const TOKEN = 77;
const FRAME_MS = 1000 / 60;
const PACKET_BYTES = 10;

interface Sent {
  readonly atMs: number;
  readonly message: Message;
}

class Rig {
  nowMs = 0;
  readonly sent: Sent[] = [];
  readonly events: EndpointEvent[] = [];
  private nonce = 1000;
  readonly endpoint: PeerEndpoint;
  /** Our local input queue: frames 0..localLast. */
  localLast = -1;
  frame = 0;
  lastChangeFrame = -1;
  running = false;
  /** Our handshakes with every peer are done (the session is ready, waiting for the others). */
  ready = false;
  statuses: ConnectStatus[];
  /** Players we dropped (never 0 or 1 here), as the session's statuses and drop count show them. */
  readonly droppedPlayers = new Set<number>();
  agreementPending = false;
  readonly ctx: SendContext;
  readonly players: number;

  constructor(options: { syncRoundTrips?: number; players?: number } = {}) {
    this.players = options.players ?? 2;
    this.statuses = Array.from({ length: this.players }, () => ({ disconnected: false, lastFrame: -1 }));
    this.endpoint = new PeerEndpoint({
      player: 1,
      address: 'peer-1',
      localPlayer: 0,
      playerCount: this.players,
      inputSize: 1,
      matchId: 0,
      fingerprint: FINGERPRINT,
      epoch: 0,
      syncRoundTrips: options.syncRoundTrips ?? 5,
      frameMs: FRAME_MS,
      inputResendFrames: 2,
      qualityReportMs: 1000,
      disconnectNotifyStartMs: 500,
      disconnectTimeoutMs: 2000,
      send: (message) => {
        this.sent.push({ atMs: this.nowMs, message });
        return PACKET_BYTES;
      },
      nextNonce: () => this.nonce++,
    });
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const rig = this;
    this.ctx = {
      get running() {
        return rig.running;
      },
      get ready() {
        return rig.ready;
      },
      get frame() {
        return rig.frame;
      },
      get statuses() {
        return rig.statuses;
      },
      get dropCount() {
        return rig.droppedPlayers.size;
      },
      get agreementPending() {
        return rig.agreementPending;
      },
      lockstep: false,
      get lastChangeFrame() {
        return rig.lastChangeFrame;
      },
      lastFrame: (player) => (player === 0 ? rig.localLast : -1),
      dropped: (player) => rig.droppedPlayers.has(player),
      inputRun: (player, from) =>
        from > rig.localLast
          ? undefined
          : { type: MessageType.Input, player, currentFrame: rig.frame, statuses: rig.statuses, startFrame: from, inputs: new Uint8Array(rig.localLast - from + 1) },
    };
  }

  /** A poll: everything due goes out. */
  poll(): void {
    this.endpoint.flush(this.ctx, this.nowMs, false);
    this.events.push(...this.endpoint.takeEvents());
  }

  /** A packet from the peer, admitted and received as the session does. */
  deliver(message: Message, token = TOKEN): string | undefined {
    const refused = this.endpoint.admit({ token, message });
    this.events.push(...this.endpoint.takeEvents());
    if (refused !== undefined) return refused;
    this.endpoint.receive(message, PACKET_BYTES, this.nowMs);
    this.events.push(...this.endpoint.takeEvents());
    return undefined;
  }

  reply(nonce: number): string | undefined {
    return this.deliver({ type: MessageType.SyncReply, nonce, fingerprint: FINGERPRINT, player: 1, epoch: 0 });
  }

  sentOf(type: MessageType): Sent[] {
    return this.sent.filter((s) => s.message.type === type);
  }

  /** Handshakes with a peer that answers every request after `rttMs`; returns when synchronized. */
  synchronize(rttMs: number): void {
    const inFlight: { atMs: number; nonce: number }[] = [];
    let seen = this.sent.length;
    while (this.endpoint.state === EndpointState.Syncing) {
      this.poll();
      for (; seen < this.sent.length; seen++) {
        const m = this.sent[seen]!.message;
        if (m.type === MessageType.SyncRequest) inFlight.push({ atMs: this.nowMs + rttMs, nonce: m.nonce });
      }
      this.nowMs += 1;
      while (inFlight.length > 0 && inFlight[0]!.atMs <= this.nowMs) this.reply(inFlight.shift()!.nonce);
      if (this.nowMs > 10_000) throw new Error('no handshake');
    }
    this.running = true;
  }

  /**
   * The peer acknowledges our inputs through `frame` (an InputAck carrying its statuses), and
   * reports `droppedByPeer` dropped.
   */
  ack(frame: number, droppedByPeer: readonly number[] = []): void {
    this.deliver({
      type: MessageType.InputAck,
      currentFrame: this.frame,
      statuses: Array.from({ length: this.players }, (_, p) => ({ disconnected: droppedByPeer.includes(p), lastFrame: p === 0 ? frame : -1 })),
    });
  }

  /** We drop `player` (the session's statuses and drop count change). */
  drop(player: number): void {
    this.droppedPlayers.add(player);
    this.statuses[player] = { disconnected: true, lastFrame: this.statuses[player]!.lastFrame };
  }

  /** One advanced frame: a new local input (changed or not), then the send right after it. */
  advance(changed: boolean): void {
    this.localLast++;
    if (changed) this.lastChangeFrame = this.localLast;
    this.endpoint.flush(this.ctx, this.nowMs, true);
    this.frame++;
    this.nowMs += FRAME_MS;
  }
}

describe('PeerEndpoint handshake', () => {
  it('synchronizes after syncRoundTrips answered requests, whichever are lost or late, each nonce counting once', () => {
    const rig = new Rig();
    const answered: number[] = [];
    // The peer answers only every third request, 45 ms later (longer than the 30 ms resend interval).
    const pending: { atMs: number; nonce: number }[] = [];
    let seen = 0;
    let requests = 0;
    for (; rig.nowMs < 2000 && rig.endpoint.state === EndpointState.Syncing; rig.nowMs += 5) {
      rig.poll();
      for (; seen < rig.sent.length; seen++) {
        const m = rig.sent[seen]!.message;
        if (m.type !== MessageType.SyncRequest) continue;
        if (requests++ % 3 === 0) pending.push({ atMs: rig.nowMs + 45, nonce: m.nonce });
      }
      while (pending.length > 0 && pending[0]!.atMs <= rig.nowMs) {
        const nonce = pending.shift()!.nonce;
        answered.push(nonce);
        rig.reply(nonce);
        rig.reply(nonce); // a duplicate must not count twice
        rig.reply(999_999); // nor a nonce never sent
      }
    }
    expect(rig.endpoint.state).toBe(EndpointState.Running);
    expect(answered).toHaveLength(5);
    const progress = rig.events.filter((e) => e.type === 'synchronizing');
    expect(progress.map((e) => (e.type === 'synchronizing' ? e.count : -1))).toEqual([1, 2, 3, 4, 5]);
    expect(rig.events.at(-1)).toEqual({ type: 'synchronized' });
    expect(rig.endpoint.rttMs).toBe(45);
    expect(rig.endpoint.syncCount).toBe(5);
  });

  it('asks every 30 ms, every 200 ms after a second of silence, and names a silent peer every 3 s', () => {
    const rig = new Rig();
    for (; rig.nowMs <= 6500; rig.nowMs += 5) rig.poll();
    const times = rig.sentOf(MessageType.SyncRequest).map((s) => s.atMs);
    const early = times.filter((t) => t < 1000);
    const late = times.filter((t) => t >= 1000);
    expect(early.every((t, i) => t === i * 30)).toBe(true);
    expect(early).toHaveLength(34); // 0, 30, ..., 990
    for (let i = 1; i < late.length; i++) expect(late[i]! - late[i - 1]!).toBe(200);
    expect(late[0]).toBe(1190); // 200 ms after the last one before the second was over
    expect(rig.events).toEqual([
      { type: 'synchronizing', count: 0, total: 5, silentMs: 3000 },
      { type: 'synchronizing', count: 0, total: 5, silentMs: 6000 },
    ]);
  });

  it('asks again at once after a reply, and keeps the 30 ms interval for a peer that has answered', () => {
    const rig = new Rig();
    rig.poll(); // request at 0
    rig.nowMs = 10;
    const first = rig.sentOf(MessageType.SyncRequest)[0]!.message;
    if (first.type !== MessageType.SyncRequest) throw new Error('not a request');
    rig.reply(first.nonce);
    rig.poll();
    expect(rig.sentOf(MessageType.SyncRequest).map((s) => s.atMs)).toEqual([0, 10]);
    // Heard from: no quiet 200 ms interval even long after the first request.
    for (rig.nowMs = 1500; rig.nowMs <= 1560; rig.nowMs += 10) rig.poll();
    expect(rig.sentOf(MessageType.SyncRequest).map((s) => s.atMs)).toEqual([0, 10, 1500, 1530, 1560]);
  });

  it('drops a wrong token as stale, and says once why a handshake from another setup is refused', () => {
    const rig = new Rig();
    expect(rig.deliver({ type: MessageType.SyncRequest, nonce: 1, fingerprint: FINGERPRINT + 1, player: 1, epoch: 0 })).toBe('incompatible');
    expect(rig.deliver({ type: MessageType.SyncRequest, nonce: 1, fingerprint: FINGERPRINT, player: 1, epoch: 3 })).toBe('incompatible');
    expect(rig.events.filter((e) => e.type === 'incompatible')).toHaveLength(1);
    expect(rig.deliver({ type: MessageType.SyncRequest, nonce: 1, fingerprint: FINGERPRINT, player: 1, epoch: 0 })).toBeUndefined();
    expect(rig.sentOf(MessageType.SyncReply)).toHaveLength(1); // answered
    expect(rig.deliver({ type: MessageType.KeepAlive }, TOKEN + 1)).toBe('stale');
    expect(rig.deliver({ type: MessageType.SyncRequest, nonce: 2, fingerprint: FINGERPRINT, player: 1, epoch: 0 }, TOKEN + 1)).toBe('stale');
  });
});

describe('PeerEndpoint synchronized start', () => {
  it('while ready and not running, tells the peer every 16 ms with an Input of no inputs; stops once running', () => {
    const rig = new Rig();
    rig.synchronize(20);
    rig.running = false;
    // Synchronized with this peer but not yet ready (another handshake is under way): no notice.
    const before = rig.sent.length;
    for (let i = 0; i < 10; i++, rig.nowMs += 4) rig.poll();
    expect(rig.sent.slice(before).filter((s) => s.message.type === MessageType.Input)).toHaveLength(0);
    rig.ready = true;
    const t0 = rig.nowMs;
    const from = rig.sent.length;
    for (let i = 0; i < 10; i++, rig.nowMs += 4) rig.poll(); // 40 ms
    const notices = rig.sent.slice(from).filter((s) => s.message.type === MessageType.Input);
    expect(notices.map((s) => s.atMs - t0)).toEqual([0, 16, 32]);
    expect(notices[0]!.message).toEqual({ type: MessageType.Input, player: 0, currentFrame: 0, statuses: rig.statuses, startFrame: 0, inputs: new Uint8Array(0) });
    rig.running = true;
    const running = rig.sent.length;
    for (let i = 0; i < 10; i++, rig.nowMs += 4) rig.poll();
    expect(rig.sent.slice(running).filter((s) => s.message.type === MessageType.Input)).toHaveLength(0); // no inputs held yet
  });

  it("hears the peer's Input, empty or not, as its readiness; an empty one is no frame report", () => {
    const rig = new Rig();
    rig.synchronize(20);
    expect(rig.endpoint.peerReady).toBe(false);
    rig.deliver({ type: MessageType.InputAck, currentFrame: 0, statuses: rig.statuses });
    expect(rig.endpoint.peerReady).toBe(false); // an InputAck may come from a peer not ready yet

    const notified = new Rig();
    notified.synchronize(20);
    notified.deliver({ type: MessageType.Input, player: 1, currentFrame: 0, statuses: notified.statuses, startFrame: 0, inputs: new Uint8Array(0) });
    expect(notified.endpoint.peerReady).toBe(true);
    // The peer does not run yet: its frame 0 is no position in time, so no time-sync sample.
    notified.endpoint.sampleTimeSync(5, notified.nowMs + 100);
    expect(notified.endpoint.localFrameAdvantage).toBe(0);

    const other = new Rig();
    other.synchronize(20);
    other.deliver({ type: MessageType.Input, player: 1, currentFrame: 3, statuses: other.statuses, startFrame: 0, inputs: new Uint8Array(2) });
    expect(other.endpoint.peerReady).toBe(true);
  });
});

describe('PeerEndpoint input sending', () => {
  function runningRig(): Rig {
    const rig = new Rig();
    rig.synchronize(40);
    rig.sent.length = 0;
    return rig;
  }

  function inputRuns(rig: Rig): [number, number, number][] {
    return rig.sentOf(MessageType.Input).map((s) => {
      const m = s.message;
      if (m.type !== MessageType.Input) throw new Error('not an input');
      return [m.currentFrame, m.startFrame, m.startFrame + m.inputs.length - 1];
    });
  }

  it('sends a changed input at once, unchanged ones every inputResendFrames, always from the first unacknowledged', () => {
    const rig = runningRig();
    rig.advance(true); // frame 0: input 0 changed
    rig.advance(false); // frame 1
    rig.advance(false); // frame 2: resend interval reached
    rig.ack(1);
    rig.advance(false); // frame 3
    rig.advance(true); // frame 4: changed
    rig.advance(false); // frame 5
    rig.advance(false); // frame 6
    expect(inputRuns(rig)).toEqual([
      [0, 0, 0],
      [2, 0, 2],
      [4, 2, 4],
      [6, 2, 6],
    ]);
    // Everything acknowledged: nothing more to send, however many frames pass.
    rig.ack(6);
    rig.sent.length = 0;
    rig.endpoint.flush(rig.ctx, rig.nowMs, true);
    expect(inputRuns(rig)).toEqual([]);
  });

  it('sends unchanged inputs every frame while the acknowledgement is overdue, and stops once it catches up', () => {
    const rig = runningRig(); // 5 handshake round trips of 40 ms: srtt 40 ms, deviation 6.3 ms
    // Allowed unacknowledged: (40 + 2 * 6.3) / 16.7 + 2 = 5.2 frames. Withhold every ack.
    for (let i = 0; i < 14; i++) rig.advance(i === 0);
    const frames = inputRuns(rig).map(([frame]) => frame);
    // Every 2 frames while up to 5 are unacknowledged, then every frame (6+ unacknowledged).
    expect(frames).toEqual([0, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    rig.ack(13);
    rig.sent.length = 0;
    for (let i = 0; i < 4; i++) rig.advance(false);
    // Caught up: every 2 frames again.
    expect(inputRuns(rig).map(([frame]) => frame)).toEqual([15, 17]);
  });

  it('from a poll, resends unacknowledged inputs only when advancing has not for inputResendFrames + 0.5 frames', () => {
    const rig = runningRig();
    rig.advance(true); // sent with the frame
    const sentAt = rig.nowMs - FRAME_MS;
    rig.sent.length = 0;
    // A stall: no more frames, only polls.
    for (let t = sentAt; t <= sentAt + 90; t += 1) {
      rig.nowMs = t;
      rig.poll();
    }
    const resends = rig.sentOf(MessageType.Input).map((s) => s.atMs - sentAt);
    // 2.5 frames of 16.7 ms (41.7 ms) apart, at the next 1 ms poll.
    expect(resends.map(Math.round)).toEqual([42, 84]);
  });

  it('acknowledges received inputs with an InputAck when nothing else carries our statuses', () => {
    const rig = runningRig();
    rig.poll(); // whatever was due goes now (quality report, ...)
    const start = rig.nowMs;
    rig.endpoint.inputsReceived();
    rig.sent.length = 0;
    for (; rig.nowMs < start + 60; rig.nowMs += 1) rig.poll();
    const acks = rig.sentOf(MessageType.InputAck);
    expect(acks).toHaveLength(1);
    // Not before inputResendFrames + 1 frames (50 ms) since the last packet to the peer.
    expect(acks[0]!.atMs - start).toBe(50);
  });
});

describe('PeerEndpoint drop statuses', () => {
  it('repeats our statuses after a drop until the peer acknowledges an input sent since, even with our agreement done', () => {
    const rig = new Rig({ players: 3 });
    rig.synchronize(40);
    for (let i = 0; i < 4; i++) rig.advance(i === 0);
    rig.ack(rig.localLast);
    rig.poll();
    rig.sent.length = 0;
    // We drop player 2 and, having heard of it from the peer, are already agreed: nothing of
    // ours is pending. The peer still needs our report to agree too. We are stalled (no frames).
    rig.drop(2);
    rig.ack(rig.localLast, [2]);
    const start = rig.nowMs;
    for (; rig.nowMs < start + 200; rig.nowMs += 1) rig.poll();
    const repeats = rig.sentOf(MessageType.InputAck).map((s) => Math.round(s.atMs - start));
    // At once, then every inputResendFrames (33.3 ms) while the peer may not have heard it.
    expect(repeats).toEqual([0, 34, 68, 102, 136, 170]);
    for (const s of rig.sentOf(MessageType.InputAck)) {
      if (s.message.type === MessageType.InputAck) expect(s.message.statuses[2]!.disconnected).toBe(true);
    }
    // An acknowledgement of inputs the peer had before the drop proves nothing: still repeating.
    rig.ack(rig.localLast, [2]);
    rig.sent.length = 0;
    for (const end = rig.nowMs + 50; rig.nowMs < end; rig.nowMs += 1) rig.poll();
    expect(rig.sentOf(MessageType.InputAck).length).toBeGreaterThan(0);
    // Frames go on: a new input carries the statuses. Once it is acknowledged, the peer has them.
    rig.advance(true);
    rig.ack(rig.localLast, [2]);
    rig.sent.length = 0;
    for (const end = rig.nowMs + 200; rig.nowMs < end; rig.nowMs += 1) rig.poll();
    expect(rig.sentOf(MessageType.InputAck)).toEqual([]);
    expect(rig.sentOf(MessageType.KeepAlive).length).toBeGreaterThan(0);
  });
});

describe('PeerEndpoint keepalive, quality reports and timeouts', () => {
  it('sends a keepalive only after 200 ms of quiet', () => {
    const rig = new Rig();
    rig.synchronize(20);
    // Let the first quality report go out, then poll every 10 ms for 1 s.
    rig.poll();
    const start = rig.nowMs;
    rig.sent.length = 0;
    for (rig.nowMs = start; rig.nowMs < start + 999; rig.nowMs += 10) rig.poll();
    const times = rig.sentOf(MessageType.KeepAlive).map((s) => s.atMs - start);
    expect(times).toEqual([200, 400, 600, 800]);
    expect(rig.sent).toHaveLength(4);
  });

  it('reports quality every qualityReportMs, and probes a new route 6 times 100 ms apart, taking the median', () => {
    const rig = new Rig();
    rig.synchronize(20);
    rig.sent.length = 0;
    const start = rig.nowMs;
    for (; rig.nowMs < start + 3000; rig.nowMs += 10) rig.poll();
    const reports = rig.sentOf(MessageType.QualityReport).map((s) => s.atMs - start);
    expect(reports).toEqual([0, 1000, 2000]);

    rig.sent.length = 0;
    rig.endpoint.routeChanged();
    expect(rig.endpoint.rttMs).toBe(0); // unknown until the new route answers
    const probeStart = rig.nowMs;
    const rtts = [80, 300, 70, 90, 85, 75];
    const answers: { atMs: number; pongMs: number }[] = [];
    let seen = 0;
    for (; rig.nowMs < probeStart + 1000; rig.nowMs += 5) {
      rig.poll();
      for (; seen < rig.sent.length; seen++) {
        const m = rig.sent[seen]!.message;
        if (m.type === MessageType.QualityReport) answers.push({ atMs: rig.nowMs + rtts[answers.length]!, pongMs: m.pingMs });
      }
      for (const a of answers.filter((x) => x.atMs === rig.nowMs)) rig.deliver({ type: MessageType.QualityReply, pongMs: a.pongMs });
    }
    const probes = rig.sentOf(MessageType.QualityReport).map((s) => s.atMs - probeStart);
    expect(probes).toEqual([0, 100, 200, 300, 400, 500]);
    expect(rig.endpoint.rttMs).toBe(82.5); // the median of the six, the 300 ms outlier ignored
  });

  it('raises interrupted after disconnectNotifyStartMs of silence, times out after disconnectTimeoutMs only when witnessed, resumes when heard', () => {
    const rig = new Rig();
    rig.synchronize(20);
    const heard = rig.endpoint.lastReceiveMs;
    rig.events.length = 0;
    const silence = (ms: number, witnessed: boolean): boolean => {
      rig.nowMs = heard + ms;
      const out = rig.endpoint.checkSilence(rig.nowMs, witnessed);
      rig.events.push(...rig.endpoint.takeEvents());
      return out;
    };
    expect(silence(499, true)).toBe(false);
    expect(rig.events).toEqual([]);
    expect(silence(500, true)).toBe(false);
    expect(rig.events).toEqual([{ type: 'interrupted', disconnectInMs: 1500 }]);
    expect(silence(1000, true)).toBe(false);
    expect(rig.events).toHaveLength(1); // raised once
    expect(silence(1999, true)).toBe(false);
    expect(silence(2000, false)).toBe(false); // no witness: maybe our own silence
    expect(silence(2000, true)).toBe(true);
    rig.deliver({ type: MessageType.KeepAlive });
    expect(rig.events.at(-1)).toEqual({ type: 'resumed' });
    expect(silence(2100, true)).toBe(false);
  });

  it('sends statuses to a dropped peer at most every 200 ms, only for its own packets', () => {
    const rig = new Rig();
    rig.synchronize(20);
    rig.endpoint.disconnect();
    const packet = { token: TOKEN, message: { type: MessageType.KeepAlive } as Message };
    const start = rig.nowMs;
    const answers: number[] = [];
    for (let t = start; t < start + 500; t += 50) if (rig.endpoint.answersDropped(t, () => packet)) answers.push(t - start);
    expect(answers).toEqual([0, 200, 400]);
    expect(rig.endpoint.answersDropped(start + 1000, () => ({ token: TOKEN + 1, message: packet.message }))).toBe(false);
    expect(rig.endpoint.answersDropped(start + 1000, () => ({ token: TOKEN, message: { type: MessageType.Goodbye, lastFrame: 3 } }))).toBe(false);
  });
});
