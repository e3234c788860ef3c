/**
 * Backspin: rollback netcode and deterministic lockstep for web games.
 *
 * `backspin` is what a browser game imports: sessions, the determinism kit, the transport
 * interface and the room connection. It has no Node-only or native dependency. The simulated
 * network is `backspin/sim`, test helpers `backspin/testing`, the LAN host `backspin/host`, and
 * WebRTC for Node clients `backspin/node`. docs/install.md says which to use for what.
 *
 * @module backspin
 */

// Sessions: the rollback (or lockstep) engine and its contract with the game.
export { P2PSession, SessionState, AdvanceResult } from './core/p2p-session.ts';
export type { ConfirmedState } from './core/p2p-session.ts';
export { RejoinableSession } from './core/rejoinable-session.ts';
export { SyncTestSession } from './core/sync-test-session.ts';
export type { SyncTestConfig, SyncTestMismatch } from './core/sync-test-session.ts';
export { InputStatus } from './core/game.ts';
export type { Game, PlayerInput } from './core/game.ts';
export { int32StateCodec } from './core/state-codec.ts';
export type { Int32StateOptions, StateCodec } from './core/state-codec.ts';
export { bytesInputCodec } from './core/input-codec.ts';
export type { InputCodec } from './core/input-codec.ts';
export { repeatLastInput } from './core/input-predictor.ts';
export type { InputPredictor } from './core/input-predictor.ts';
export { DEFAULT_ISOLATION_TIMEOUT_MS, MAX_INPUT_DELAY, MAX_PREDICTION } from './core/session-config.ts';
export type { P2PSessionConfig, PlayerSpec } from './core/session-config.ts';
export { SessionEndReason } from './core/session-events.ts';
export type { SessionEvent, SessionEventType } from './core/session-events.ts';
export { SessionDropReason } from './core/session-stats.ts';
export type { PeerStats, SessionStats } from './core/session-stats.ts';
export { FramePacer } from './core/frame-pacer.ts';

// Spectators: a player's peer feeds confirmed inputs to spectators, who watch a little behind live.
export { SpectatorFeed } from './core/spectator-feed.ts';
export type { ConfirmedStateSource, SpectatorFeedConfig } from './core/spectator-feed.ts';
export { SpectatorSession, SpectatorState } from './core/spectator-session.ts';
export type { SpectatorSessionConfig } from './core/spectator-session.ts';
export { SpectatorDropReason } from './core/spectator-events.ts';
export type { SpectatorDesyncEvent, SpectatorEvent, SpectatorEventType, SpectatorFeedStats, SpectatorSourceLostEvent, SpectatorStateLoadedEvent, SpectatorStats } from './core/spectator-events.ts';
export { splitSpectatorTraffic } from './core/spectator-traffic.ts';
export type { SpectatorTraffic } from './core/spectator-traffic.ts';
export { PROTOCOL_VERSION, MAX_PACKET_BYTES, MAX_PLAYERS, MAX_INPUT_BYTES } from './protocol/messages.ts';
export type { DropReason } from './protocol/messages.ts';

// Replays: record a match's decision, final inputs and checksums; play it back and verify it.
export * from './replay/index.ts';

// The transport a session sends through: bring your own, or get one from a room.
export type { Datagram, PeerAddress, Transport } from './transport/transport.ts';
export { RoutedTransport, StandardRoute } from './transport/routed-transport.ts';
export type { Route, RouteChange, RouteId, RouteTraffic, RoutedPeerStats, RoutedTransportOptions } from './transport/routed-transport.ts';
export { routeRtts } from './transport/route-rtts.ts';
export type { RouteRtt } from './transport/route-rtts.ts';

// The determinism kit: fixed point, a seeded PRNG, hashing, binary state.
export * from './kit/index.ts';

// Rooms: join a host's room, start matches, and survive the host's loss.
export { connectToRoom, RoomJoinError } from './client/geckos-room-connection.ts';
export type { RoomConnection, RoomConnectionOptions, RoomConnectionState } from './client/geckos-room-connection.ts';
export type { RoomRequest } from './relay/connect-request.ts';
export { createMatchSession, MATCH_DISCONNECT_TIMEOUT_MS } from './relay/match-session.ts';
export type { MatchSession, MatchSessionOptions } from './relay/match-session.ts';
export { createSpectatorSession } from './relay/spectator-member.ts';
export type { SpectatorMember, SpectatorMemberOptions } from './relay/spectator-member.ts';
export { slotAddress, addressSlot } from './relay/relay-route.ts';
export type { RelayRoute, RelayRouteStats } from './relay/relay-route.ts';
export type { RoomClient, RoomClientEvent } from './relay/room-client.ts';
export type { RoomRoutes, DirectLinksOptions, PeerRoute } from './client/room-routes.ts';
export type { IceServer, IceTransportPolicy } from './direct/ice-config.ts';
export type { DirectLinkOptions, DirectLinkState } from './direct/direct-link.ts';
export type { LinkLivenessOptions } from './direct/link-liveness.ts';
export type { MeshStats, MeshPeerStats } from './mesh/mesh-links.ts';
export type { PeerRelayStats } from './mesh/peer-relay-route.ts';
export { HOST_HOLDER } from './migration/holder-frame.ts';
export type { RoomMigrationEvent, RoomMigrationOptions } from './migration/room-migration.ts';
export type { RoomHolder } from './migration/succession-watch.ts';
export * from './room/index.ts';
