import { FramePacer, connectToRoom, createMatchSession } from 'backspin';
import type { MatchDecision, MatchSession, RoomConnection, RoomRequest } from 'backspin';
import { driveSession } from './drive-session.ts';
import type { Match } from './match.ts';
import { PongGame } from './pong-game.ts';
import { pongInputCodec } from './pong-input.ts';
import { RollbackMeter } from './rollback-meter.ts';

/**
 * A match against another browser, in a room on the `backspin-host` that served this page. Both
 * players say they are ready as soon as they are in; the room's creator starts the match once a
 * second player is in, and both pages build the same session from the host's match decision.
 * This module is loaded only when a player goes online (a dynamic import), so the WebRTC client
 * is not part of the offline game's download.
 */
export class OnlineMatch implements Match {
  game: PongGame | undefined;
  localPlayer = 0;
  private readonly connection: RoomConnection;
  private match: MatchSession<number, Int32Array> | undefined;
  private pacer: FramePacer | undefined;
  private startAsked = false;
  private ended: string | undefined;
  private readonly meter = new RollbackMeter();

  private constructor(connection: RoomConnection) {
    this.connection = connection;
    connection.client.setReady(true);
  }

  /** Creates or joins a room; rejects with a `RoomJoinError` (its `reason`: 'no-such-room', 'full', …). */
  static async open(request: RoomRequest): Promise<OnlineMatch> {
    const connection = await connectToRoom({
      url: `${location.protocol}//${location.hostname}`,
      port: Number(location.port) || (location.protocol === 'https:' ? 443 : 80),
      request,
    });
    return new OnlineMatch(connection);
  }

  tick(nowMs: number, input: () => number): void {
    for (const e of this.connection.events()) {
      if (e.type === 'match-start') this.begin(e.match);
      else this.match?.applyRoomEvent(e); // drops a player the host saw leave, sooner than the session's own timeout
    }
    const room = this.connection.client.room;
    const players = room?.members.filter((m) => m.role === 'player') ?? [];
    const owner = room?.ownerSlot === this.connection.slot;
    if (owner && !this.startAsked && room?.phase === 'lobby' && players.length >= 2 && players.every((m) => m.ready && m.connected)) {
      this.startAsked = true;
      this.connection.client.startMatch();
    }
    if (this.match === undefined || this.pacer === undefined) return;
    driveSession(this.match.session, this.pacer, nowMs, input);
    for (const e of this.match.session.events()) {
      if (e.type === 'desync') console.error('desync', e);
      else if (e.type === 'disconnected') this.ended = 'The other player left: the bot plays their paddle.';
    }
  }

  private begin(decision: MatchDecision): void {
    this.game = new PongGame(decision.seed); // the same seed on both pages
    this.match = createMatchSession({
      transport: this.connection.transport,
      slot: this.connection.slot,
      match: decision,
      game: this.game,
      input: pongInputCodec,
      seed: crypto.getRandomValues(new Uint32Array(1))[0]!, // handshake randomness: differs per page
    });
    this.localPlayer = this.match.session.localPlayer;
    this.pacer = new FramePacer(decision.settings.fps);
  }

  status(nowMs: number): string {
    const code = `Room ${this.connection.code}`;
    if (this.match === undefined) return `${code} · waiting for a second player: tell them the code`;
    const session = this.match.session;
    if (session.state === 'ended') return `${code} · the match ended (${session.endReason ?? 'left'})`;
    if (session.state !== 'running') return `${code} · connecting…`;
    const side = this.localPlayer === 0 ? 'left' : 'right';
    return `${code} · you are ${side} · ${this.ended ?? this.meter.line(session, 1 - this.localPlayer, nowMs)}`;
  }

  dispose(): void {
    this.match?.session.leave();
    this.connection.close();
  }
}
