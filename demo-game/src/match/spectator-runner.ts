import { createSpectatorSession, FramePacer } from 'backspin';
import type { MatchDecision, RoomConnection, RoomState, SpectatorMember } from 'backspin';
import { ArenaGame, ArenaMode, arenaInputCodec, isArenaMode } from '../sim/index.ts';
import type { ArenaInput, ArenaState } from '../sim/index.ts';
import { debugHooks, recordChecksum } from '../app/debug-hooks.ts';
import { recordChat } from '../app/chat-log.ts';
import { CHECKSUM_INTERVAL_FRAMES } from './match-runner.ts';
import { MatchOverWatch } from './match-over-watch.ts';

/**
 * Watches a room's running match as a spectator member (issue 13): a `SpectatorSession` fed by the
 * player the room's rule names (`createSpectatorSession` follows the room when that player goes),
 * stepping only confirmed inputs, a few frames behind live, into its own `ArenaGame` that the
 * watch scene draws. It sends the players nothing but acknowledgements, and never predicts, so
 * nothing it shows is ever rolled back. Its checksums go to the debug hooks as a player's do.
 */
export class SpectatorRunner {
  readonly game: ArenaGame;
  readonly names: readonly string[];
  /** Nobody is "you" in a spectator's view. */
  readonly localPlayer = -1;
  private readonly member: SpectatorMember<ArenaInput, ArenaState>;
  private readonly pacer: FramePacer;
  private readonly over = new MatchOverWatch();
  /** The room as last heard: the scene goes back to the lobby when it leaves this match. */
  private room: RoomState | undefined;

  constructor(
    private readonly connection: RoomConnection,
    readonly decision: MatchDecision,
  ) {
    const room = connection.client.room;
    this.room = room;
    this.names = decision.players.map((slot) => room?.members.find((m) => m.slot === slot)?.name ?? `Slot ${slot}`);
    const mode = isArenaMode(decision.settings.gameMode) ? decision.settings.gameMode : ArenaMode.Classic;
    this.game = new ArenaGame({ players: decision.players.length, seed: decision.seed, mode });
    if (room === undefined) throw new Error('SpectatorRunner: the room state has not arrived yet');
    this.member = createSpectatorSession({
      transport: connection.transport,
      slot: connection.slot,
      match: decision,
      room,
      game: this.game,
      input: arenaInputCodec,
      seed: crypto.getRandomValues(new Uint32Array(1))[0]!,
      session: { checksumIntervalFrames: CHECKSUM_INTERVAL_FRAMES, onChecksum: recordChecksum },
    });
    this.pacer = new FramePacer(decision.settings.fps);
  }

  /** Network in and out, the room's changes, then the frames due at the match's own rate. */
  tick(nowMs: number): void {
    for (const e of this.connection.events()) {
      if (e.type === 'room-state') this.room = e.state;
      else if (e.type === 'chat') recordChat(this.connection, e.slot, e.text);
      if (e.type !== 'connection') this.member.applyRoomEvent(e);
    }
    const spectator = this.member.spectator;
    spectator.poll(nowMs);
    for (const e of spectator.events()) if (e.type === 'desync') debugHooks.desyncs = [...debugHooks.desyncs, e.frame];
    // Paced like a player's session: one `advanceFrame` per frame due (it steps 0 while stalled,
    // 1 normally, more while catching up).
    for (let due = this.pacer.framesDue(nowMs, 0); due > 0; due--) {
      spectator.advanceFrame();
      this.pacer.frameDone();
    }
    this.over.update(this.game);
    debugHooks.frame = spectator.currentFrame;
    debugHooks.confirmedFrame = spectator.currentFrame - 1;
    debugHooks.spectatorStats = spectator.stats();
    debugHooks.watching = { state: spectator.state, frame: spectator.currentFrame, newest: spectator.newestFrame, behind: spectator.framesBehind, source: this.member.sourceSlot };
  }

  /** Every frame it shows is confirmed: the newest it simulated. */
  get confirmedFrame(): number {
    return this.member.spectator.currentFrame - 1;
  }

  /** 'joining' until the first state or inputs arrive, then 'watching'. */
  get state(): string {
    return this.member.spectator.state;
  }

  /** Frames it shows behind the newest confirmed one it holds. */
  get framesBehind(): number {
    return this.member.spectator.framesBehind;
  }

  /** The name of the player whose feed it watches through. */
  get sourceName(): string {
    return this.room?.members.find((m) => m.slot === this.member.sourceSlot)?.name ?? '';
  }

  /** Whether the match it watches is over on screen (decided), or the room left it (ended, dropped to the lobby, closed). */
  get matchOver(): boolean {
    return this.over.decided(this.confirmedFrame);
  }

  /** The room no longer plays this match (it ended, or the room closed). */
  get roomMovedOn(): boolean {
    const room = this.room;
    return this.connection.state === 'closed' || room === undefined || room.phase !== 'playing' || room.match?.matchId !== this.decision.matchId;
  }

  dispose(): void {
    this.member.spectator.leave();
  }
}
