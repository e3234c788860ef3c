/**
 * The LAN host, for Node: one process that serves the game's files, answers WebRTC signaling and
 * relays every room's traffic (the `backspin-host` command runs it). Needs the optional peer
 * dependency `node-datachannel` (docs/install.md).
 *
 * @module backspin/host
 */
export { startHost } from './host/geckos-host.ts';
export type { HostOptions, RunningHost, HostFrontStats } from './host/geckos-host.ts';
export type { RoomAuthorityOptions } from './room/room-authority.ts';
export type { RelayHostOptions, RelayHostStats } from './relay/relay-host.ts';
export type { PendingConnectionsOptions } from './host/pending-connections.ts';
export { lanAddresses } from './host/lan-addresses.ts';
export { serveStatic } from './host/static-files.ts';
export { OPEN_ROOMS_PATH, openRooms } from './host/open-rooms.ts';
export type { OpenRoom, OpenRoomsOptions, RoomDirectory } from './host/open-rooms.ts';
