/**
 * Why the room authority refused a call. Everything a remote member can cause is refused with one
 * of these as a value (never thrown), and counted per reason in `RoomAuthority.stats()`.
 */
export const RoomError = {
  /** The request is malformed (wrong types, unknown role or drop reason). */
  BadRequest: 'bad-request',
  /** No open room has this code (or the code is malformed). */
  NoSuchRoom: 'no-such-room',
  /** The room has a password and this is not it. */
  BadPassword: 'bad-password',
  /** The name is empty, too long, or has control or invisible characters. */
  BadName: 'bad-name',
  /** The reconnect token matches no member of the room (wrong, or its grace is over). */
  BadToken: 'bad-token',
  /** No free slot of the role asked for. */
  Full: 'full',
  /** A match is on: new players must wait for the lobby (spectators may join). */
  InProgress: 'in-progress',
  /** A setting is out of range or unknown. */
  BadSettings: 'bad-settings',
  /** The authority already holds its most rooms. */
  TooManyRooms: 'too-many-rooms',
  /** No unused code was found (practically impossible; a broken random source). */
  NoFreeCode: 'no-free-code',
  /** No member in that slot. */
  NoSuchMember: 'no-such-member',
  /** Only the owner may do this. */
  NotOwner: 'not-owner',
  /** Only in the lobby. */
  NotInLobby: 'not-in-lobby',
  /** Only during a match. */
  NotPlaying: 'not-playing',
  /** Only players (not spectators) may do this. */
  NotAPlayer: 'not-a-player',
  /** A match needs at least 2 players. */
  TooFewPlayers: 'too-few-players',
  /** Every player must be ready before the start. */
  NotReady: 'not-ready',
  /** Every player must be connected at the start (none may be waiting for a reconnect). */
  NotConnected: 'not-connected',
  /** `maxPlayers` cannot go below the number of players already in the room. */
  MaxBelowPlayers: 'max-below-players',
  /** A handover to restore is malformed or inconsistent (see `parseRoomHandover`). */
  BadHandover: 'bad-handover',
  /** This authority already holds a room with the handover's code. */
  CodeInUse: 'code-in-use',
  /**
   * The handover's epoch is the last a u32 holds: a restored room takes a higher epoch than it had
   * (its new decisions must be told from stale ones), and there is none.
   */
  StaleEpoch: 'stale-epoch',
  /** A request names a match that is not the room's running one (an old one, or a made-up id). */
  WrongMatch: 'wrong-match',
  /**
   * A match player asked to rejoin the match without having come back into the room (with its
   * reconnect token) since its last request: one request per return.
   */
  NotReturning: 'not-returning',
  /** Another member of the room holds the colour asked for (`setLook`): no two players alike. */
  ColorTaken: 'color-taken',
  /** A colour or shape index out of the game's range (`RoomAuthorityOptions.colors`, `shapes`). */
  BadLook: 'bad-look',
} as const;
export type RoomError = (typeof RoomError)[keyof typeof RoomError];
