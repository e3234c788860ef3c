import { FIXED_ONE, InputStatus, Prng, fixedClamp, fixedDiv, fixedFromRatio, fixedMul, hashBytes } from 'backspin';
import type { Game, PlayerInput } from 'backspin';
import { botInput } from './pong-bot.ts';
import { PongButton } from './pong-input.ts';
import {
  BALL, FIELD_H, FIELD_W, GAME_OVER_FRAMES, LEFT_X, MAX_SPEED, MAX_VY, PADDLE_H, PADDLE_SPEED, PADDLE_W, RIGHT_X,
  SERVE_FRAMES, SERVE_SPEED, SPEED_UP, WINNING_SCORE,
} from './pong-rules.ts';
import { STATE_WORDS, Slot } from './pong-state.ts';

/**
 * Two-player Pong as a deterministic Backspin game: integers only (Q16.16 fixed point), a seeded
 * Prng kept inside the state, and `step` reading nothing but the state and the inputs. Every peer
 * runs it, and a rollback re-runs it; both give the same bits everywhere.
 */
export class PongGame implements Game<number, Int32Array> {
  readonly state = new Int32Array(STATE_WORDS);
  private readonly rngWords = new Uint32Array(this.state.buffer, Slot.Rng * 4, 4);
  private readonly bytes = new Uint8Array(this.state.buffer);
  private readonly rng: Prng;

  /** `seed`: the match's seed, the same on every peer (the serves' angles come from it). */
  constructor(seed: number) {
    this.rng = new Prng(seed);
    const s = this.state;
    s[Slot.Paddle] = s[Slot.Paddle + 1] = (FIELD_H - PADDLE_H) / 2;
    this.serveToward(this.rng.nextInt(2));
    this.rng.saveState(this.rngWords);
  }

  step(inputs: readonly PlayerInput<number>[]): void {
    const s = this.state;
    for (let p = 0; p < 2; p++) {
      const { input, status } = inputs[p]!;
      // A player who left is played by the bot, from the same frame on every peer.
      const held = status === InputStatus.Disconnected ? botInput(s, p) : input;
      const dy = (held & PongButton.Down ? PADDLE_SPEED : 0) - (held & PongButton.Up ? PADDLE_SPEED : 0);
      s[Slot.Paddle + p] = fixedClamp(s[Slot.Paddle + p]! + dy, 0, FIELD_H - PADDLE_H);
    }
    if (s[Slot.Wait]! > 0) {
      s[Slot.Wait] = s[Slot.Wait]! - 1;
      if (s[Slot.Wait] === 0 && s[Slot.Winner] !== 0) {
        s[Slot.Score] = s[Slot.Score + 1] = s[Slot.Winner] = 0; // a new game
        s[Slot.Wait] = SERVE_FRAMES;
      }
    } else {
      this.moveBall();
    }
    s[Slot.Frame] = s[Slot.Frame]! + 1;
    this.rng.saveState(this.rngWords);
  }

  private moveBall(): void {
    const s = this.state;
    let y = s[Slot.BallY]! + s[Slot.BallVY]!;
    if (y < 0 || y > FIELD_H - BALL) {
      y = y < 0 ? -y : 2 * (FIELD_H - BALL) - y; // bounce off the wall, keeping the distance travelled
      s[Slot.BallVY] = -s[Slot.BallVY]!;
    }
    const x = s[Slot.BallX]! + s[Slot.BallVX]!;
    s[Slot.BallX] = x;
    s[Slot.BallY] = y;
    const vx = s[Slot.BallVX]!;
    if (vx < 0 && x <= LEFT_X + PADDLE_W && x + BALL >= LEFT_X) this.tryHit(0);
    else if (vx > 0 && x + BALL >= RIGHT_X && x <= RIGHT_X + PADDLE_W) this.tryHit(1);
    if (s[Slot.BallX]! + BALL < 0) this.score(1);
    else if (s[Slot.BallX]! > FIELD_W) this.score(0);
  }

  /** The ball is level with `player`'s paddle: if they overlap, it goes back faster, angled by where it hit. */
  private tryHit(player: number): void {
    const s = this.state;
    const top = s[Slot.Paddle + player]!;
    const y = s[Slot.BallY]!;
    if (y + BALL < top || y > top + PADDLE_H) return;
    const offset = fixedDiv(y + BALL / 2 - (top + PADDLE_H / 2), PADDLE_H / 2); // -1 top edge .. 1 bottom edge
    s[Slot.BallVY] = fixedMul(fixedClamp(offset, -FIXED_ONE, FIXED_ONE), MAX_VY);
    const speed = Math.min(Math.abs(s[Slot.BallVX]!) + SPEED_UP, MAX_SPEED);
    s[Slot.BallVX] = player === 0 ? speed : -speed;
    s[Slot.BallX] = player === 0 ? LEFT_X + PADDLE_W : RIGHT_X - BALL;
  }

  private score(player: number): void {
    const s = this.state;
    const points = s[Slot.Score + player]! + 1;
    s[Slot.Score + player] = points;
    if (points >= WINNING_SCORE) s[Slot.Winner] = 1 + player;
    this.serveToward(1 - player);
    if (points >= WINNING_SCORE) s[Slot.Wait] = GAME_OVER_FRAMES;
  }

  /** Puts the ball in the middle, aimed at `player` at a random angle, after a pause. */
  private serveToward(player: number): void {
    const s = this.state;
    s[Slot.BallX] = (FIELD_W - BALL) / 2;
    s[Slot.BallY] = (FIELD_H - BALL) / 2;
    s[Slot.BallVX] = player === 0 ? -SERVE_SPEED : SERVE_SPEED;
    s[Slot.BallVY] = fixedFromRatio(this.rng.nextRange(-6, 6), 2); // -3..3 units per frame
    s[Slot.Wait] = SERVE_FRAMES;
  }

  save(reuse = new Int32Array(STATE_WORDS)): Int32Array {
    reuse.set(this.state); // a copy: the session keeps it while the live state moves on
    return reuse;
  }

  load(saved: Int32Array): void {
    this.state.set(saved);
    this.rng.loadState(this.rngWords);
  }

  checksum(): number {
    return hashBytes(this.bytes);
  }
}
