import { FramePacer, createMatchSession, HOST_HOLDER, slotAddress } from 'backspin';
import type { InputStatus, MatchDecision, MatchSession, Replay, ReplayRecorder, RoomConnection } from 'backspin';
import { ArenaGame, ArenaMode, arenaInputCodec, isArenaMode } from '../sim/index.ts';
import type { ArenaInput, ArenaState } from '../sim/index.ts';
import { debugHooks, recordChecksum } from '../app/debug-hooks.ts';
import { holderChangeText, ORPHANED_TEXT, REHOMED_TEXT } from '../app/room-holder.ts';
import { shortMatchFromLink } from '../app/short-match.ts';
import { driveSession } from './drive-session.ts';
import type { MatchRunner, PeerLine, PeerRouteLine, RunnerEmotes, RunnerNotice } from './match-runner.ts';
import { recordChat } from '../app/chat-log.ts';
import { emoteChatText } from '../app/emotes.ts';
import { CHECKSUM_INTERVAL_FRAMES, INPUT_RESEND_FRAMES, MatchMode } from './match-runner.ts';
import { MatchOverWatch } from './match-over-watch.ts';
import { SessionObserver } from './session-observer.ts';
import { createArenaRecorder } from './arena-replay.ts';

/** How often the debug hooks' routes are refreshed (ms). */
const ROUTES_REFRESH_MS = 250;
/**
 * A 'reconnecting' connection is said only after this long (ms): the host's loss is followed by
 * a 'holder' event (a player took the room over) within a few seconds, and says so itself.
 */
const RECONNECT_NOTICE_AFTER_MS = 4000;
/**
 * Once the room is back on its host ('rehomed'), the other pages leave its holder and reconnect
 * to the host: a 'reconnecting' this close to the re-home (before or after it) is part of it, and
 * is said only if it lasts this long after the re-home (ms).
 */
const REHOME_RECONNECT_MS = 10_000;

/**
 * A match over the host's room: one rollback (or lockstep) session per player, configured from
 * the host's match decision. Packets go over a direct WebRTC link to each other player while one
 * is open (the connection's routes set that up at match start), through the host's relay
 * otherwise. The room connection stays open after the match (back to the lobby); this runner
 * never closes it. If the host is lost, a player takes the room over (host migration): the match
 * goes on untouched and one notice says who holds the room now; one more says when a host started
 * again takes the room back.
 *
 * A page reloaded mid-match (`rejoin`) builds a rejoining session: it asks the room to have the
 * others readmit it, shows "Rejoining the match…" until it is back in, then plays on in its own
 * slot. Its replay is not recorded (it would start mid-match); the others' replays hold the
 * player's absence and return (format version 2).
 */
export class OnlineRunner implements MatchRunner {
  readonly mode = MatchMode.Online;
  readonly game: ArenaGame;
  readonly localPlayer: number;
  readonly names: readonly string[];
  private readonly match: MatchSession<ArenaInput, ArenaState>;
  private readonly observer: SessionObserver<ArenaInput, ArenaState>;
  private readonly over = new MatchOverWatch();
  private readonly pacer: FramePacer;
  /** The holder lost (HOST_HOLDER for the host) until a player holds the room; undefined otherwise. */
  private hostLost: number | undefined;
  /** When the connection went 'reconnecting' (ms), while no notice was shown for it. */
  private reconnectingSinceMs: number | undefined;
  /** The reconnect notice was shown (so "Reconnected" follows it). */
  private reconnectSaid = false;
  /** The holder (slot@epoch) last announced. */
  private holderSaid: string | undefined;
  private orphanedSaid = false;
  /** When the room last came back onto its host (ms), and the epoch it came back at (said once). */
  private rehomedAtMs: number | undefined;
  private rehomedEpoch: number | undefined;
  private routesAtMs = -Infinity;
  /** Records the match as this player's session confirms it. */
  private readonly recorder: ReplayRecorder;
  /** Emotes from the room's players not yet drained, by player handle. */
  private emoteInbox: { player: number; emote: number }[] = [];
  readonly emotes: RunnerEmotes = {
    send: (index) => this.connection.client.chat(emoteChatText(index)),
    drain: () => {
      const out = this.emoteInbox;
      if (out.length > 0) this.emoteInbox = [];
      return out;
    },
  };

  constructor(
    private readonly connection: RoomConnection,
    private readonly decision: MatchDecision,
    private readonly rejoin = false,
  ) {
    const room = connection.client.room;
    this.names = decision.players.map((slot) => room?.members.find((m) => m.slot === slot)?.name ?? `Slot ${slot}`);
    // A mode this build does not have (a newer page's, or a forged setting) plays Classic: every
    // peer of this build decides the same, and the notice says so.
    const gameMode = decision.settings.gameMode;
    const mode = isArenaMode(gameMode) ? gameMode : ArenaMode.Classic;
    const short = shortMatchFromLink();
    this.game = new ArenaGame({ players: decision.players.length, seed: decision.seed, mode, ...(short !== undefined ? { short } : {}) });
    const recorder = createArenaRecorder({ players: decision.players.length, seed: decision.seed, mode, matchId: decision.matchId, fps: decision.settings.fps, names: this.names });
    this.recorder = recorder;
    /** Whether the replay is recorded: not on a rejoining page, whose inputs start mid-match. */
    const recording = !rejoin;
    const onConfirmedInputs = (frame: number, inputs: readonly Uint8Array[], statuses: readonly InputStatus[]): void => {
      if (recording) recorder.onConfirmedInputs(frame, inputs, statuses);
    };
    const onChecksum = (frame: number, checksum: number): void => {
      recordChecksum(frame, checksum);
      if (recording) recorder.onChecksum(frame, checksum);
    };
    this.match = createMatchSession({
      transport: connection.transport,
      slot: connection.slot,
      match: decision,
      game: this.game,
      input: arenaInputCodec,
      seed: crypto.getRandomValues(new Uint32Array(1))[0]!,
      session: { checksumIntervalFrames: CHECKSUM_INTERVAL_FRAMES, inputResendFrames: INPUT_RESEND_FRAMES, onChecksum, onConfirmedInputs },
      // A reloaded page: back into the running match; and whoever the room says is returning now
      // is readmitted by this session too.
      ...(rejoin ? { rejoin: true } : {}),
      ...(connection.client.room !== undefined ? { room: connection.client.room } : {}),
    });
    this.localPlayer = this.match.session.localPlayer;
    this.observer = new SessionObserver(this.match.session, this.names, rejoin);
    if (mode !== gameMode) this.observer.push({ kind: 'error', text: `The room asked for game mode ${gameMode}, which this version does not have: playing Classic` });
    if (rejoin) connection.client.rejoinMatch(decision.matchId);
    this.pacer = new FramePacer(decision.settings.fps);
  }

  tick(nowMs: number, sample: () => ArenaInput): void {
    for (const e of this.connection.events()) {
      if (e.type === 'connection') this.onConnectionState(e.state, nowMs);
      else if (e.type === 'host-closing') this.hostLost ??= HOST_HOLDER; // a successor follows: the 'holder' event says who
      else if (e.type === 'holder-lost') this.hostLost = e.holder;
      else if (e.type === 'holder') this.onHolder(e.slot, e.epoch, e.mine);
      else if (e.type === 'orphaned') this.sayOrphaned();
      else if (e.type === 'rehomed') this.onRehomed(e.epoch, nowMs);
      else if (e.type === 'chat') this.onChat(e.slot, e.text);
      else this.match.applyRoomEvent(e);
    }
    // A reconnect that is not the host's loss (only our path to it broke) is said after a while;
    // the reconnect to a host that the room just went back to is part of the re-home.
    const rehoming = this.rehomedAtMs !== undefined && nowMs - this.rehomedAtMs < REHOME_RECONNECT_MS;
    if (this.reconnectingSinceMs !== undefined && this.hostLost === undefined && !rehoming && nowMs - this.reconnectingSinceMs >= RECONNECT_NOTICE_AFTER_MS) {
      this.reconnectingSinceMs = undefined;
      this.reconnectSaid = true;
      this.observer.push({ kind: 'info', text: 'Connection to the host lost; reconnecting…' });
    }
    debugHooks.holder = this.connection.holder;
    driveSession(this.match.session, this.pacer, nowMs, sample);
    // The room's spectators watch through the players' feeds (the room's rule spreads them).
    this.match.feed.poll(nowMs);
    for (const e of this.observer.observe()) {
      // Back in: the room stops listing this player as returning.
      if (e.type === 'readmitted' && e.player === this.localPlayer) this.connection.client.matchRejoined(this.decision.matchId);
    }
    if (nowMs - this.routesAtMs >= ROUTES_REFRESH_MS) {
      this.routesAtMs = nowMs;
      debugHooks.routes = this.routeLines().map(({ name, route, link, rttMs }) => ({ name, route, link, rttMs }));
      debugHooks.feed = this.match.feed.stats();
    }
    this.over.update(this.game);
  }

  get frame(): number {
    return this.match.session.currentFrame;
  }

  get confirmedFrame(): number {
    return this.match.session.confirmedFrame;
  }

  get desyncFrames(): readonly number[] {
    return this.observer.desyncFrames;
  }

  get droppedNames(): readonly string[] {
    return this.observer.droppedNames;
  }

  peerLines(nowMs: number): readonly PeerLine[] {
    const routes = new Map(this.routeLines().map((r) => [r.handle, r.line]));
    // The observer lists the remote players in handle order.
    const remote = this.decision.players.map((_, handle) => handle).filter((h) => h !== this.localPlayer);
    return this.observer.peerLines(nowMs).map((line, i) => {
      const route = routes.get(remote[i]!);
      return route === undefined ? line : { ...line, route };
    });
  }

  /** Every other player's route, from the connection's routes and the session's round trips. */
  private routeLines() {
    const session = this.match.session;
    const rttOf = (slot: number) => {
      const handle = this.match.handleOf(slot);
      return handle < 0 || handle === this.localPlayer ? undefined : session.peerStats(handle).rttMs;
    };
    return this.connection.routes.peers(rttOf).map((peer) => {
      const handle = this.match.handleOf(peer.slot);
      const active = peer.routes.find((r) => r.active);
      const own = this.connection.routes.transport.peerStats(slotAddress(peer.slot)).routes;
      const ordered = [...own].sort((x, y) => Number(y.route === peer.route) - Number(x.route === peer.route));
      const line: PeerRouteLine = { active: peer.route, routes: ordered.map((r) => ({ route: r.route, rttMs: r.rttMs })) };
      return { handle, name: this.names[handle] ?? `Slot ${peer.slot}`, route: peer.route, link: peer.link, rttMs: active?.rttMs, line };
    });
  }

  summary() {
    return this.observer.summary(this.decision.settings.inputDelay, this.decision.settings.maxPrediction);
  }

  drainNotices(): readonly RunnerNotice[] {
    return this.observer.drainNotices();
  }

  get status(): string | undefined {
    return this.observer.status;
  }

  /** Over once the simulation says so in confirmed frames: the result can no longer be rolled back. */
  get finished(): boolean {
    return this.over.decided(this.match.session.confirmedFrame);
  }

  /**
   * Only the session ends a match early: not the host's departure. The players' sessions reach
   * each other over direct links and agree on drops among themselves, so the match goes on without
   * the host, with the same result on every page; a player its peers can no longer hear is dropped
   * by all of them at one frame, and a page that hears no one ends ('isolated').
   */
  get endedEarly(): string | undefined {
    return this.observer.endedEarly;
  }

  /**
   * The connection's state. Losing the host is 'reconnecting' until a player holds the room
   * ('connected' again, after a 'holder' event) or nobody can ('orphaned', then 'closed'): that
   * is said once, by the 'holder' or 'orphaned' event. When the room goes back onto its host
   * ('rehomed'), the pages that followed its holder reconnect to the host: that too is said by the
   * event, not as a reconnect. An ordinary reconnect (our own path to a host that is still there)
   * is said only if it takes a while.
   */
  private onConnectionState(state: RoomConnection['state'], nowMs: number): void {
    if (state === 'reconnecting') {
      this.reconnectingSinceMs ??= nowMs;
      return;
    }
    this.reconnectingSinceMs = undefined;
    if (state === 'connected') {
      if (this.reconnectSaid && this.hostLost === undefined) this.observer.push({ kind: 'info', text: 'Reconnected to the host' });
      this.reconnectSaid = false;
    } else if (this.holderSaid === undefined) {
      // Closed with nobody holding the room (or without migration): the match still plays on.
      this.sayOrphaned();
    }
  }

  /**
   * A chat line during the match: kept for the lobby's chat box; an emote from a player of this
   * match also goes above their ship. At most 64 wait (nothing drains them if nothing draws).
   */
  private onChat(slot: number, text: string): void {
    const line = recordChat(this.connection, slot, text);
    const player = this.decision.players.indexOf(slot);
    if (line.emote !== undefined && player >= 0 && this.emoteInbox.length < 64) this.emoteInbox.push({ player, emote: line.emote });
  }

  /** A player holds the room now: said once per holder. */
  private onHolder(slot: number, epoch: number, mine: boolean): void {
    const key = `${slot}@${epoch}`;
    if (this.holderSaid === key) return;
    this.holderSaid = key;
    this.orphanedSaid = false;
    this.observer.push({ kind: 'info', text: holderChangeText(this.connection, slot, mine, this.hostLost) });
    this.hostLost = undefined;
    this.reconnectingSinceMs = undefined;
  }

  /**
   * The room is back on its host (this page re-homed it, or was told and reconnects there): said
   * once per epoch. The holder said before no longer holds it, so a later takeover is said again,
   * and a connection that closes from here on (the host could not be reached) says the room ends.
   */
  private onRehomed(epoch: number, nowMs: number): void {
    this.rehomedAtMs = nowMs;
    this.hostLost = undefined;
    this.holderSaid = undefined;
    this.orphanedSaid = false;
    if (this.rehomedEpoch === epoch) return;
    this.rehomedEpoch = epoch;
    this.observer.push({ kind: 'info', text: REHOMED_TEXT });
  }

  /** Says once that nobody can take the room over, and that the match goes on without a host. */
  private sayOrphaned(): void {
    if (this.orphanedSaid) return;
    this.orphanedSaid = true;
    this.observer.push({ kind: 'info', text: ORPHANED_TEXT });
  }

  replay(): Replay {
    return this.recorder.replay();
  }

  dispose(): void {
    this.match.session.leave();
  }
}
