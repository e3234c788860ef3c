import type { RoomState } from '../room/room-state.ts';
import { HOST_HOLDER } from './holder-frame.ts';
import type { HolderStatement } from './holder-frame.ts';
import { SECRET_HOLDERS, successionLine } from './succession.ts';

/** Whom a member takes as its room's holder: the host (HOST_HOLDER) or a player slot, at an epoch. */
/** Who decides for a room now, and since which epoch. */
export interface RoomHolder {
  /** The holder: HOST_HOLDER (0xff) for the host, else the slot of the player that took the room over. */
  readonly holder: number;
  /** The epoch of the holder's decisions (u32): one more at each takeover. */
  readonly epoch: number;
}

export interface SuccessionWatchOptions {
  /** This member's slot. */
  readonly slot: number;
  /**
   * How long the holder must have been silent before it counts as gone, provided no other player
   * says it still hears it (ms). Default 1000: four of the host's pings, and well past the 600 ms
   * after which a member stops saying it hears the holder, so that every peer's word is in.
   */
  readonly goneAfterMs?: number;
  /** Silence after which this member no longer says it hears its holder (ms). Default 600: two pings missed. */
  readonly quietAfterMs?: number;
  /** How long another player's Holder statement counts (ms). Default 1000: four statements missed. */
  readonly freshMs?: number;
}

/** What the member knows of its holder now, each update. */
export interface HolderStatus {
  /** Milliseconds since anything was heard from the holder (ignored while this member is the holder). */
  readonly silentMs: number;
  /** The holder said goodbye (a host stopped with Ctrl+C): gone at once, nobody waits for it. */
  readonly goodbye: boolean;
  /** Whether this member can reach the player in `slot` now: a live direct link, or a third player linked to both. */
  readonly live: (slot: number) => boolean;
  /** Whether this member holds the room's secrets (`RoomClient.handover`) for the room it has. */
  readonly canRestore: boolean;
}

/** What changed, drained with `events()`. */
export type SuccessionEvent =
  /** The holder counts as gone: nobody hears it. */
  | { readonly type: 'holder-lost'; readonly holder: number; readonly epoch: number }
  /** From now on this member follows `holder` (a player slot) at `epoch`; `mine`: it is this member, which restores the room. */
  | { readonly type: 'holder'; readonly holder: number; readonly epoch: number; readonly mine: boolean }
  /** The holder is gone and neither player that holds the room's secrets can be reached: the room ends with the match. */
  | { readonly type: 'orphaned' }
  /**
   * This member does not hear its holder, and a player says it hears the host at a later epoch
   * than this member's: the room went back onto a host (re-homed) while this member missed being
   * told. Reconnect to the host.
   */
  | { readonly type: 'rehome'; readonly epoch: number };

interface Heard extends HolderStatement {
  readonly atMs: number;
}

/**
 * One member's view of who holds its room, and the decision to move to a successor. Pure and
 * synchronous: the caller feeds it the room states of its holder (`setRoom`), the other players'
 * Holder statements from their direct links (`heard`), and every few ms its holder's silence and
 * which links are alive (`update`); it tells whom to follow (`holder`, `events`) and what to say
 * to the others (`statement`).
 *
 * The rules, the same on every member (docs/host-migration.md):
 * - **Gone**: the holder has been silent for `goneAfterMs` (or said goodbye), and no player said
 *   within `freshMs` that it still hears it. A member that only lost its own path hears its peers
 *   vouch for the holder, and waits.
 * - **Candidates**: the first two of the line of succession (`successionLine`) of the last room
 *   state, leaving out the holder that is gone: the players its holder gave the room's secrets to.
 * - **Claim**: the first candidate this member can reach (itself, over a live direct link, or
 *   through a third player linked to both) is expected to take over; if that is this member, it
 *   holds the secrets and it reaches at least one other player, it claims the room at the
 *   holder's epoch + 1 and says so in its Holder statements. Alone, it lets the room end
 *   ('orphaned'): a room held for nobody is no use, and a member cut off from everyone must not
 *   hold a room the others might later find.
 * - **Follow**: a member that does not hear its holder follows a candidate's claim (a statement
 *   naming it holder, at exactly the next epoch: its own, or a player's that follows it) unless
 *   it expects an earlier candidate that it can still reach to claim; the earliest claim wins. A
 *   claimant that hears of an earlier candidate's claim to the same epoch gives its own up and
 *   follows that one.
 * - **Never back**: once a member follows a successor it never returns to the holder it lost;
 *   the next loss moves on in the same way, one epoch higher. A host is followed again only when
 *   the room was re-homed onto it (`followHost`): its holder says so, or, if that word was missed,
 *   a player says it hears a host at a later epoch than ours (`rehome`).
 */
export class SuccessionWatch {
  readonly slot: number;
  private readonly goneAfterMs: number;
  private readonly quietAfterMs: number;
  private readonly freshMs: number;
  private room: RoomState | undefined;
  private current: RoomHolder | undefined;
  private gone = false;
  private orphaned = false;
  /** The candidates of the loss that made this member the holder, earliest first: a claim from an earlier one makes it step down. */
  private claimedOver: readonly number[] = [];
  private readonly statements = new Map<number, Heard>();
  private pending: SuccessionEvent[] = [];
  private nowMs = -Infinity;
  private quiet = false;
  /** A 'rehome' was raised for the current holder (once each). */
  private rehomeSaid = false;

  constructor(options: SuccessionWatchOptions) {
    this.slot = options.slot;
    this.goneAfterMs = options.goneAfterMs ?? 1000;
    this.quietAfterMs = options.quietAfterMs ?? 600;
    this.freshMs = options.freshMs ?? 1000;
  }

  /**
   * The room as the holder last sent it. The first one makes the host the holder at the room's
   * epoch; later ones from the host keep that epoch up to date.
   */
  setRoom(state: RoomState): void {
    this.room = state;
    if (this.current === undefined) this.current = { holder: HOST_HOLDER, epoch: state.epoch };
    else if (this.current.holder === HOST_HOLDER && !this.gone) this.current = { holder: HOST_HOLDER, epoch: state.epoch };
  }

  /** A Holder statement from the player in `from`, over our direct link to it (ms, the caller's clock). */
  heard(from: number, statement: HolderStatement, nowMs: number): void {
    if (from === this.slot) return;
    this.statements.set(from, { holder: statement.holder, epoch: statement.epoch, hears: statement.hears, atMs: nowMs });
  }

  /** Whom this member follows now (undefined before the first room state). */
  get holder(): RoomHolder | undefined {
    return this.current;
  }

  /** Whether the holder this member follows counts as gone and nobody has taken its place yet. */
  get holderGone(): boolean {
    return this.gone;
  }

  /** What this member tells the others every few hundred ms, or undefined before it knows its room. */
  statement(): HolderStatement | undefined {
    const c = this.current;
    if (c === undefined) return undefined;
    return { holder: c.holder, epoch: c.epoch, hears: c.holder === this.slot || (!this.gone && !this.quiet) };
  }

  /**
   * The room is back on a host (this member re-homed it, or its holder said so): the host holds it
   * from now on, at `epoch` if known (else one above the current: the host's room state tells the
   * true one, as `setRoom` keeps the host's epoch).
   */
  followHost(epoch?: number): void {
    const c = this.current;
    this.current = { holder: HOST_HOLDER, epoch: epoch ?? ((c?.epoch ?? 0) + 1) >>> 0 };
    this.claimedOver = [];
    this.gone = false;
    this.orphaned = false;
    this.quiet = false;
    this.rehomeSaid = false;
  }

  /** Drains the events since the last call. */
  events(): SuccessionEvent[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }

  /** Applies the rules (ms, the caller's monotonic clock). */
  update(nowMs: number, status: HolderStatus): void {
    this.nowMs = nowMs;
    const c = this.current;
    const room = this.room;
    if (c === undefined || room === undefined) return;
    if (c.holder === this.slot) {
      this.quiet = false;
      this.stepDown();
      return;
    }
    this.quiet = status.goodbye || status.silentMs >= this.quietAfterMs;
    if (!this.gone && (status.goodbye || status.silentMs >= this.goneAfterMs) && !this.vouchedFor(c)) {
      this.gone = true;
      this.pending.push({ type: 'holder-lost', holder: c.holder, epoch: c.epoch });
    }
    if (!this.quiet) return;
    if (c.holder !== HOST_HOLDER && !this.rehomeSaid) {
      const back = this.hostHeardAfter(c.epoch);
      if (back !== undefined) {
        this.rehomeSaid = true;
        this.pending.push({ type: 'rehome', epoch: back });
        return;
      }
    }

    const target = (c.epoch + 1) >>> 0;
    const candidates = successionLine(room)
      .filter((s) => s !== c.holder)
      .slice(0, SECRET_HOLDERS);
    const expected = candidates.find((s) => s === this.slot || status.live(s));
    const claimant = candidates.find((s) => s !== this.slot && this.claims(s, target));
    const waitFor = expected === this.slot && !status.canRestore ? undefined : expected;
    if (claimant !== undefined && (waitFor === undefined || candidates.indexOf(claimant) <= candidates.indexOf(waitFor))) {
      this.adopt(claimant, target, candidates);
      return;
    }
    if (!this.gone) return;
    // A room is worth taking over only for someone: a member that reaches no other player (alone
    // in the room, or cut off from all of them) lets it end rather than hold it for itself.
    const company = successionLine(room).some((s) => s !== c.holder && s !== this.slot && status.live(s));
    if (expected === this.slot && status.canRestore && company) {
      this.adopt(this.slot, target, candidates);
      return;
    }
    if ((expected === undefined || (expected === this.slot && !company)) && !this.orphaned) {
      this.orphaned = true;
      this.pending.push({ type: 'orphaned' });
    }
  }

  // ---- internals ----------------------------------------------------------------------------

  /** The other players' statements of the last `freshMs`. */
  private *freshStatements(): Generator<Heard> {
    for (const s of this.statements.values()) if (this.nowMs - s.atMs <= this.freshMs) yield s;
  }

  /** Whether a player said lately that it hears `c`. */
  private vouchedFor(c: RoomHolder): boolean {
    for (const s of this.freshStatements()) if (s.hears && s.holder === c.holder && s.epoch === c.epoch) return true;
    return false;
  }

  /** The epoch of a host a player said lately it hears, at a later epoch than `epoch`, if any. */
  private hostHeardAfter(epoch: number): number | undefined {
    for (const s of this.freshStatements()) if (s.hears && s.holder === HOST_HOLDER && ((s.epoch - epoch) | 0) > 0) return s.epoch;
    return undefined;
  }

  /**
   * Whether `slot` holds the room at `epoch`, as far as we heard lately: it said so itself, or a
   * player said it follows it. Second-hand word is what reaches a member with no link of its own
   * to the claimant (it then reaches it through a third player); a false word can only make a
   * member ask a candidate early for what it will have soon, never follow anyone else.
   */
  private claims(slot: number, epoch: number): boolean {
    for (const s of this.freshStatements()) if (s.holder === slot && s.epoch === epoch) return true;
    return false;
  }

  /** As the holder: an earlier candidate's claim to the same epoch wins over ours. */
  private stepDown(): void {
    const c = this.current!;
    const mine = this.claimedOver.indexOf(this.slot);
    for (let i = 0; i < mine; i++) {
      const earlier = this.claimedOver[i]!;
      if (this.claims(earlier, c.epoch)) {
        this.adopt(earlier, c.epoch, this.claimedOver);
        return;
      }
    }
  }

  private adopt(holder: number, epoch: number, candidates: readonly number[]): void {
    this.current = { holder, epoch };
    this.claimedOver = candidates;
    this.gone = false;
    this.orphaned = false;
    this.quiet = false;
    this.rehomeSaid = false;
    this.pending.push({ type: 'holder', holder, epoch, mine: holder === this.slot });
  }
}
