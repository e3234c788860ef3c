import { fixedFromRatio, toFixed } from 'backspin';

/**
 * The arena's tunables. Distances are Fixed (Q16.16) arena units, where one unit is meant to be one
 * pixel at 1× zoom; speeds are units per frame; durations are frames at 60 fps. Every constant is
 * built from integers, so changing one changes the rules identically on every peer (and changes the
 * golden checksum in test/demo, on purpose).
 *
 * The game is a ring-out brawler: hits add damage %, and knockback grows with damage, so a battered
 * player flies further and is knocked out by leaving the circle.
 */
export const ArenaConfig = {
  /** Most players in one match. */
  MAX_PLAYERS: 8,
  /** Fewest players in one match. */
  MIN_PLAYERS: 2,

  /** Radius of the circular arena, centred on (0, 0). A player whose centre leaves it is out. */
  ARENA_RADIUS: toFixed(360),
  /** Radius of the ring players start a round on, evenly spaced. */
  SPAWN_RING_RADIUS: toFixed(230),
  /** Respawns land at a seeded point within this distance of the centre (whole units). */
  RESPAWN_RADIUS_UNITS: 150,

  /** Player body radius. */
  PLAYER_RADIUS: toFixed(16),
  /** Added to the velocity each frame a direction is held (units/frame²). */
  ACCELERATION: fixedFromRatio(1, 2),
  /**
   * Share of the velocity lost each frame (friction). With ACCELERATION it sets the top running
   * speed: a·(1-d)/d = 3.5 units/frame (210 units/s), reached in about half a second.
   */
  DRAG: fixedFromRatio(1, 8),
  /** Drag while in hit-stun: lower, so knockback carries a player far. */
  STUN_DRAG: fixedFromRatio(1, 20),

  /** Speed at the start of a dash (units/frame), kept for the whole dash. */
  DASH_SPEED: toFixed(10),
  /** Length of a dash: ~80 units, then drag glides ~70 more. */
  DASH_FRAMES: 8,
  /** Frames from the start of one dash until the next is allowed. */
  DASH_COOLDOWN_FRAMES: 50,
  /** Damage % a dash body-check adds to the player it rams. */
  SHOVE_DAMAGE: 10,

  /** Bullet pool size. At most 8 players × ⌈45 / 12⌉ = 32 are alive at once; a shot fired into a full pool is dropped. */
  BULLET_CAPACITY: 48,
  /** Bullet radius. */
  BULLET_RADIUS: toFixed(4),
  /** Bullet speed (units/frame). */
  BULLET_SPEED: toFixed(9),
  /** Bullet lifetime: 45 frames × 9 = 405 units of range. */
  BULLET_LIFE_FRAMES: 45,
  /** Frames between shots while Fire is held. */
  FIRE_COOLDOWN_FRAMES: 12,
  /** Backward push on the shooter per shot (units/frame). */
  RECOIL: fixedFromRatio(2, 5),

  /** Damage % a bullet adds. */
  HIT_DAMAGE: 7,
  /** Damage % ceiling, so knockback (and positions) stay bounded. */
  MAX_DAMAGE: 300,
  /** Knockback speed of a hit at 0 % (units/frame). */
  KNOCKBACK_BASE: toFixed(3),
  /** Extra knockback speed per damage % (units/frame): 100 % adds 8. */
  KNOCKBACK_PER_DAMAGE: fixedFromRatio(8, 100),
  /** Hit-stun frames at 0 %; one more frame per 8 % of damage. */
  STUN_BASE_FRAMES: 6,

  /** A knock-out within this many frames of being hit scores for the hitter. */
  KO_CREDIT_FRAMES: 240,
  /** Frames a knocked-out player waits before respawning. */
  RESPAWN_FRAMES: 90,
  /** Frames a (re)spawned player is immune to hits and bodies. */
  SPAWN_INVULNERABLE_FRAMES: 90,

  /** Frames of "3, 2, 1" before a round, players frozen. */
  COUNTDOWN_FRAMES: 120,
  /** Length of a round: 40 s. */
  ROUND_FRAMES: 40 * 60,
  /** Longest sudden death after a round ends with the lead shared: 20 s, then a draw. */
  SUDDEN_DEATH_FRAMES: 20 * 60,
  /** Frames the round result is shown before the next round. */
  ROUND_OVER_FRAMES: 180,
  /** Rounds a player must win to win the match, with up to `LARGE_MATCH_PLAYERS - 1` players. */
  ROUNDS_TO_WIN: 3,
  /** Rounds to win with `LARGE_MATCH_PLAYERS` or more players, whose wins spread thinner. */
  ROUNDS_TO_WIN_LARGE: 2,
  LARGE_MATCH_PLAYERS: 5,

  // The shrinking ring (ArenaMode.ShrinkingRing; see arena-ring.ts). Classic keeps ARENA_RADIUS.
  /** Frames at the start of a round before the ring starts closing: 10 s to settle in. */
  RING_HOLD_FRAMES: 10 * 60,
  /** Frames over which the ring closes from ARENA_RADIUS to RING_MIN_RADIUS: 25 s (9 units/s, a player runs 210). */
  RING_SHRINK_FRAMES: 25 * 60,
  /** The ring's radius for the last 5 s of the round: room for a scramble, not for hiding. */
  RING_MIN_RADIUS: toFixed(150),
  /** In sudden death the ring closes on to this radius... */
  RING_FINAL_RADIUS: toFixed(90),
  /** ...over this many frames (10 s of the 20 s of sudden death). */
  RING_SUDDEN_SHRINK_FRAMES: 10 * 60,
} as const;
