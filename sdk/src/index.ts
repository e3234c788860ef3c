/**
 * Backspin: rollback netcode and deterministic lockstep for web games.
 * Browser-safe entry point; Node-only helpers are in `backspin/node`.
 */
export { P2PSession, SessionState, AdvanceResult } from './core/p2p-session.ts';
export { SyncTestSession } from './core/sync-test-session.ts';
export type { SyncTestConfig, SyncTestMismatch } from './core/sync-test-session.ts';
export { InputStatus } from './core/game.ts';
export type { Game, PlayerInput } from './core/game.ts';
export { bytesInputCodec } from './core/input-codec.ts';
export type { InputCodec } from './core/input-codec.ts';
export { repeatLastInput } from './core/input-predictor.ts';
export type { InputPredictor } from './core/input-predictor.ts';
export { resolveSessionConfig, DEFAULT_ISOLATION_TIMEOUT_MS, MAX_INPUT_DELAY, MAX_PREDICTION } from './core/session-config.ts';
export type { P2PSessionConfig, PlayerSpec, ResolvedSessionConfig } from './core/session-config.ts';
export { SessionEndReason } from './core/session-events.ts';
export type { SessionEvent, SessionEventType } from './core/session-events.ts';
export { SessionDropReason } from './core/session-stats.ts';
export type { PeerStats, SessionStats } from './core/session-stats.ts';
export { FramePacer } from './core/frame-pacer.ts';
export type { Datagram, PeerAddress, Transport } from './transport/transport.ts';
export { RoutedTransport, StandardRoute } from './transport/routed-transport.ts';
export type { Route, RouteChange, RouteId, RouteTraffic, RoutedPeerStats, RoutedTransportOptions } from './transport/routed-transport.ts';
export { routeRtts } from './transport/route-rtts.ts';
export type { RouteRtt } from './transport/route-rtts.ts';
export { MeshLinks } from './mesh/mesh-links.ts';
export type { MeshLink, MeshLinkFactory, MeshLinksOptions, MeshPeerStats, MeshSignal, MeshStats } from './mesh/mesh-links.ts';
export { DirectRoute } from './mesh/direct-route.ts';
export type { DirectRouteLink } from './mesh/direct-route.ts';
export { PEER_RELAY_ROUTE, PeerRelayRoute } from './mesh/peer-relay-route.ts';
export type { PeerRelayLink, PeerRelayOptions, PeerRelayStats } from './mesh/peer-relay-route.ts';
export * from './kit/index.ts';
export * from './sim/index.ts';
export { SimulatedMatch } from './sim/simulated-match.ts';
export type { SimulatedMatchOptions, SimulatedPeer } from './sim/simulated-match.ts';
export { compareChecksums } from './sim/compare-checksums.ts';
export type { ChecksumComparison } from './sim/compare-checksums.ts';
export { TestGame } from './testing/test-game.ts';
export {
  PROTOCOL_MAGIC,
  PROTOCOL_VERSION,
  MAX_PACKET_BYTES,
  MAX_PLAYERS,
  MAX_INPUT_BYTES,
  DropReason,
} from './protocol/messages.ts';
export { connectToRoom, RoomJoinError } from './client/geckos-room-connection.ts';
export type { RoomConnection, RoomConnectionOptions, RoomConnectionState } from './client/geckos-room-connection.ts';
export { HOST_HOLDER } from './migration/holder-frame.ts';
export type { RoomMigrationEvent, RoomMigrationOptions } from './migration/room-migration.ts';
export type { RoomHolder } from './migration/succession-watch.ts';
export { RoomRoutes } from './client/room-routes.ts';
export type { DirectLinksOptions, PeerRoute, RoomRoutesMember } from './client/room-routes.ts';
export { RoomClient } from './relay/room-client.ts';
export type { RoomClientEvent, RoomClientOptions } from './relay/room-client.ts';
export { RelayRoute, slotAddress, addressSlot } from './relay/relay-route.ts';
export type { RelayRouteOptions, RelayRouteStats } from './relay/relay-route.ts';
export { demuxHostFrame } from './relay/host-frame-demux.ts';
export type { MemberPlanes } from './relay/host-frame-demux.ts';
export { RelayHost, RelayDropReason } from './relay/relay-host.ts';
export type { HostConnection, MemberBinding, RelayHostOptions, RelayHostStats } from './relay/relay-host.ts';
export { ReliableChannel } from './relay/reliable-channel.ts';
export type { ReliableChannelOptions } from './relay/reliable-channel.ts';
export { createMatchSession, HOST_SILENCE_TIMEOUT_MS, MATCH_DISCONNECT_TIMEOUT_MS, MATCH_DROP_MARGIN_MS } from './relay/match-session.ts';
export type { MatchSession, MatchSessionOptions } from './relay/match-session.ts';
export { encodeConnectRequest, parseConnectRequest, refusalReason, refusalStatus } from './relay/connect-request.ts';
export type { ConnectRequest, RoomRequest } from './relay/connect-request.ts';
export * from './room/index.ts';
