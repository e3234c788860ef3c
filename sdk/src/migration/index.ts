/**
 * Host migration: when a room's host dies, a member takes over its authority from the state the
 * host replicated to it (`RoomHandover`, see room/room-handover.ts). Pure: no networking, clock or
 * randomness of its own.
 */
export { successionLine, successorOf } from './succession.ts';
