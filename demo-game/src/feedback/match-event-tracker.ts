import { ArenaConfig, ArenaPhase } from '../sim/index.ts';
import type { ArenaState } from '../sim/index.ts';
import type { FeedbackSink } from './feedback-sink.ts';
import { RecentKeys } from './recent-keys.ts';

const MAX_PLAYERS = ArenaConfig.MAX_PLAYERS;
const UNIT = 1 / 65536;
/** Countdown frames per number shown ("3", "2", "1"), as the HUD shows them. */
const COUNT_FRAMES = ArenaConfig.COUNTDOWN_FRAMES / 3;
/**
 * A knock-out that a rollback undid and re-simulated within this many frames of where it was
 * first seen is the same knock-out (its burst is not shown again). Rollbacks reach back at most
 * the prediction window (8 frames by default); a second, different fall of the same player is at
 * least a respawn (90 frames) away.
 */
const SAME_KNOCKOUT_FRAMES = 45;

/**
 * Turns the (possibly predicted) arena state the renderer draws into feedback events, by
 * comparing each observed state with the one observed before: the simulation says nothing
 * itself, and a rollback session may load an older state and re-simulate between two looks.
 *
 * Rollback safety, event by event:
 * - Shots, hits and dashes are shown at once from the predicted state (waiting would make them
 *   feel late), each keyed by what identifies it in any timeline (shooter and firing frame; victim,
 *   life and damage reached; dasher and start frame), so a rollback that re-simulates one does not
 *   show it twice. A mispredicted one cannot be taken back; it was a spark.
 * - A knock-out shows its burst at once, but is announced (sound, pop-up, kill feed, shake) only
 *   when the frame it happened on is confirmed: then no rollback can undo it. It is keyed by the
 *   victim's fall count, which is final once confirmed, so it is announced exactly once.
 * - Round and match results are announced the same way, once per round, when confirmed.
 *
 * `observe` allocates nothing; state is kept in typed arrays sized for the largest match.
 */
export class MatchEventTracker {
  private primed = false;
  private lastFrame = 0;
  // The previous observation, per player.
  private readonly falls = new Int32Array(MAX_PLAYERS);
  private readonly damage = new Int32Array(MAX_PLAYERS);
  private readonly dashCooldown = new Int32Array(MAX_PLAYERS);
  private readonly lastHitBy = new Int32Array(MAX_PLAYERS);
  private readonly roundPoints = new Int32Array(MAX_PLAYERS);
  /** Position (units) at the previous look: where a player who has already respawned was last seen. */
  private readonly lastX = new Float64Array(MAX_PLAYERS);
  private readonly lastY = new Float64Array(MAX_PLAYERS);
  private readonly bulletLife = new Int32Array(ArenaConfig.BULLET_CAPACITY);
  // Knock-outs, per victim.
  /** Falls announced (confirmed knock-outs): a confirmed fall count never goes down again. */
  private readonly announcedFalls = new Int32Array(MAX_PLAYERS);
  /** The newest fall whose burst was shown, and the frame it happened on (state frame after the step). */
  private readonly burstFalls = new Int32Array(MAX_PLAYERS);
  private readonly burstFrame = new Int32Array(MAX_PLAYERS);
  /** The newest unannounced fall: who scored it (-1 nobody), where (units), and when (frame). */
  private readonly pendingBy = new Int32Array(MAX_PLAYERS);
  private readonly pendingX = new Float64Array(MAX_PLAYERS);
  private readonly pendingY = new Float64Array(MAX_PLAYERS);
  private readonly pendingFrame = new Int32Array(MAX_PLAYERS);
  /** Rounds whose result was announced. */
  private announcedRound = 0;
  /** round × 4 + step of the last countdown sound (steps 0..2 for "3", "2", "1"; 3 for "go"). */
  private countdownKey = -1;
  private readonly shots = new RecentKeys(96);
  private readonly hits = new RecentKeys(64);
  private readonly dashes = new RecentKeys(32);

  constructor(private readonly sink: FeedbackSink) {}

  /**
   * Looks at the state drawn now. `confirmedFrame` is the newest frame whose inputs are final for
   * every player (the session's; a game stepped without a session passes its own frame).
   */
  observe(s: ArenaState, confirmedFrame: number): void {
    if (!this.primed) {
      this.prime(s);
      return;
    }
    const frame = s.frame;
    this.lastFrame = frame;
    const phase = s.phase;
    const inPlay = phase === ArenaPhase.Playing || phase === ArenaPhase.SuddenDeath;
    this.observeCountdown(s, phase);

    for (let p = 0; p < s.players; p++) {
      const falls = s.falls[p]!;
      let x = s.x[p]! * UNIT;
      let y = s.y[p]! * UNIT;
      if (falls > this.falls[p]!) {
        // A fall new to this timeline (new, or back after a rollback had undone it). Seen only
        // after the respawn (a look more than RESPAWN_FRAMES later), it happened near where the
        // player was last seen, not where it stands now.
        if (s.alive[p] === 1) {
          x = this.lastX[p]!;
          y = this.lastY[p]!;
        }
        this.pendingBy[p] = this.scorer(s, p);
        this.pendingX[p] = x;
        this.pendingY[p] = y;
        this.pendingFrame[p] = frame;
        const burstFrame = this.knockoutFrame(s, p, inPlay, frame);
        const sameAsShown = falls === this.burstFalls[p] && Math.abs(burstFrame - this.burstFrame[p]!) <= SAME_KNOCKOUT_FRAMES;
        if (falls > this.burstFalls[p]! || (falls === this.burstFalls[p] && !sameAsShown)) {
          this.burstFalls[p] = falls;
          this.burstFrame[p] = burstFrame;
          this.sink.knockoutBurst(p, x, y);
        }
      } else if (falls === this.falls[p] && s.alive[p] === 1) {
        const damage = s.damage[p]!;
        if (damage > this.damage[p]! && this.hits.add(p + MAX_PLAYERS * (damage + 1024 * falls))) {
          this.sink.hit(p, s.lastHitBy[p]!, x, y, s.vx[p]! * UNIT, s.vy[p]! * UNIT, damage);
        }
        const cooldown = s.dashCooldown[p]!;
        if (cooldown > this.dashCooldown[p]!) {
          const start = frame - (ArenaConfig.DASH_COOLDOWN_FRAMES - cooldown);
          if (this.dashes.add(p + MAX_PLAYERS * start)) this.sink.dash(p, x, y);
        }
      }
      if (falls > this.announcedFalls[p]!) {
        // While the victim is still out in play, its respawn timer dates the knock-out exactly;
        // otherwise the frame it was first seen on is a safe (late) bound.
        if (s.alive[p] === 0 && inPlay && s.removed[p] === 0) this.pendingFrame[p] = this.knockoutFrame(s, p, inPlay, frame);
        // The knock-out's step used the inputs of the frame before the state's frame.
        if (confirmedFrame >= this.pendingFrame[p]! - 1) {
          this.announcedFalls[p] = falls;
          this.sink.knockout(p, this.pendingBy[p]!, this.pendingX[p]!, this.pendingY[p]!);
        }
      }
    }

    for (let b = 0; b < this.bulletLife.length; b++) {
      const life = s.bulletLife[b]!;
      if (life > this.bulletLife[b]!) {
        const owner = s.bulletOwner[b]!;
        const fired = frame - (ArenaConfig.BULLET_LIFE_FRAMES - life);
        if (this.shots.add(owner + MAX_PLAYERS * fired)) this.sink.shot(owner, s.bulletX[b]! * UNIT, s.bulletY[b]! * UNIT, s.bulletDir[b]!);
      }
    }

    this.observeResult(s, phase, frame, confirmedFrame);
    this.remember(s);
  }

  /** Frame of the newest state observed (for tests and the debug hooks). */
  get frame(): number {
    return this.lastFrame;
  }

  /** The first look: everything already in the state is history, not news. */
  private prime(s: ArenaState): void {
    this.primed = true;
    this.lastFrame = s.frame;
    this.remember(s);
    for (let p = 0; p < s.players; p++) {
      this.announcedFalls[p] = s.falls[p]!;
      this.burstFalls[p] = s.falls[p]!;
      this.burstFrame[p] = s.frame;
    }
    const decided = s.phase === ArenaPhase.RoundOver || s.phase === ArenaPhase.MatchOver;
    this.announcedRound = decided ? s.round : s.round - 1;
    this.countdownKey = s.phase === ArenaPhase.Countdown ? s.round * 4 + this.countdownStep(s.phaseTimer) : s.round * 4 + 3;
  }

  private remember(s: ArenaState): void {
    for (let p = 0; p < s.players; p++) {
      this.falls[p] = s.falls[p]!;
      this.damage[p] = s.damage[p]!;
      this.dashCooldown[p] = s.dashCooldown[p]!;
      this.lastHitBy[p] = s.lastHitBy[p]!;
      this.roundPoints[p] = s.roundPoints[p]!;
      this.lastX[p] = s.x[p]! * UNIT;
      this.lastY[p] = s.y[p]! * UNIT;
    }
    this.bulletLife.set(s.bulletLife);
  }

  /**
   * The state frame `p`'s newest knock-out happened on: exact while `p` is out and the round on
   * (the respawn timer started at RESPAWN_FRAMES and loses one a frame), else `frame`, a bound.
   */
  private knockoutFrame(s: ArenaState, p: number, inPlay: boolean, frame: number): number {
    if (s.alive[p] === 0 && inPlay && s.removed[p] === 0) return frame - ArenaConfig.RESPAWN_FRAMES + s.respawnTimer[p]!;
    return frame;
  }

  /**
   * Who scored `p`'s new fall: its points went down (-1) on a self knock-out; otherwise the player
   * who last hit it, if that player's points went up, else any player whose points went up.
   */
  private scorer(s: ArenaState, p: number): number {
    if (s.roundPoints[p]! < this.roundPoints[p]!) return -1;
    const last = this.lastHitBy[p]!;
    if (last >= 0 && last !== p && s.roundPoints[last]! > this.roundPoints[last]!) return last;
    for (let q = 0; q < s.players; q++) if (q !== p && s.roundPoints[q]! > this.roundPoints[q]!) return q;
    return -1;
  }

  /** 0, 1, 2 while the countdown shows 3, 2, 1. */
  private countdownStep(phaseTimer: number): number {
    return 3 - Math.min(3, Math.max(1, Math.ceil(phaseTimer / COUNT_FRAMES)));
  }

  /** Countdown numbers as the HUD shows them (round 1 opens with a line instead of "3"), then "go". */
  private observeCountdown(s: ArenaState, phase: ArenaPhase): void {
    let key = -1;
    if (phase === ArenaPhase.Countdown) {
      const step = this.countdownStep(s.phaseTimer);
      if (s.round === 1 && step === 0) return;
      key = s.round * 4 + step;
    } else if (phase === ArenaPhase.Playing) {
      key = s.round * 4 + 3;
    }
    if (key <= this.countdownKey) return;
    this.countdownKey = key;
    this.sink.countdown(key % 4 === 3 ? 0 : 3 - (key % 4));
  }

  /** The round's (or match's) result, once the frame that decided it is confirmed. */
  private observeResult(s: ArenaState, phase: ArenaPhase, frame: number, confirmedFrame: number): void {
    if (s.round <= this.announcedRound) return;
    if (phase !== ArenaPhase.RoundOver && phase !== ArenaPhase.MatchOver) return;
    // In RoundOver the timer started at ROUND_OVER_FRAMES on the deciding frame and loses one a frame.
    const decided = phase === ArenaPhase.RoundOver ? frame - (ArenaConfig.ROUND_OVER_FRAMES - s.phaseTimer) : frame;
    if (confirmedFrame < decided - 1) return;
    this.announcedRound = s.round;
    if (s.matchWinner >= 0 || phase === ArenaPhase.MatchOver) this.sink.matchOver(s.matchWinner);
    else this.sink.roundOver(s.round, s.roundWinner);
  }
}
