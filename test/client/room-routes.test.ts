import { describe, expect, it } from 'vitest';
import { RoomRoutes } from '../../sdk/src/client/room-routes.ts';
import type { DirectLinkOptions, DirectLinkState } from '../../sdk/src/direct/direct-link.ts';
import type { MeshLink } from '../../sdk/src/mesh/mesh-links.ts';
import type { RoomClientEvent } from '../../sdk/src/relay/room-client.ts';
import type { MatchDecision } from '../../sdk/src/room/control-messages.ts';
import type { RoomState } from '../../sdk/src/room/room-state.ts';

/**
 * RoomRoutes' wiring with stand-in links (no WebRTC): which room events it takes, which links a
 * match start makes or closes, what an overlay reads. The live tests (test/mesh) cover real links.
 */
class StandIn implements MeshLink {
  readonly role;
  readonly link;
  state: DirectLinkState = 'connecting';
  alive = false;
  rttMs: number | undefined = 3;
  reason: string | undefined;
  readonly signals: [string, string][] = [];
  constructor(readonly options: DirectLinkOptions) {
    this.role = options.role;
    this.link = options.link;
  }
  readonly framesSent: Uint8Array[] = [];
  frames: Uint8Array[] = [];
  send(): void {}
  receive(): Uint8Array[] {
    return [];
  }
  sendFrame(frame: Uint8Array): void {
    this.framesSent.push(frame);
  }
  receiveFrames(): Uint8Array[] {
    return this.frames.splice(0);
  }
  handleSignal(kind: string, payload: string) {
    this.signals.push([kind, payload]);
    return undefined;
  }
  close(): void {
    this.state = 'closed';
  }
}

function rig(slot: number, pings = new Map<number, number>(), directWith?: (slot: number) => boolean) {
  const links: StandIn[] = [];
  const sent: [number, string, number][] = [];
  const routes = new RoomRoutes(
    { slot, relay: { send: () => undefined, receive: () => [] }, signal: (to, kind, link) => sent.push([to, kind, link]), hostRtts: () => pings },
    {
      ...(directWith === undefined ? {} : { directWith }),
      createLink: (o) => {
        const l = new StandIn(o);
        links.push(l);
        return l;
      },
    },
  );
  return { routes, links, sent };
}

const match = (players: number[]): RoomClientEvent => ({ type: 'match-start', match: { players } as unknown as MatchDecision });
const roomState = (slots: number[]): RoomClientEvent => ({ type: 'room-state', state: { members: slots.map((slot) => ({ slot })) } as unknown as RoomState });

describe('RoomRoutes', () => {
  it('a match start links the member to its other players, signals are consumed, other events pass', () => {
    const { routes, links, sent } = rig(1);
    expect(routes.take(match([0, 1, 2]))).toBe(true);
    expect(links.map((l) => l.role)).toEqual(['offerer']); // to slot 2; slot 0 offers to us
    expect(routes.take({ type: 'signal', from: 0, kind: 'offer', link: 9, payload: 'sdp' })).toBe(false);
    expect(links.map((l) => [l.role, l.link])).toEqual([['offerer', links[0]!.link], ['answerer', 9]]);
    expect(links[1]!.signals).toEqual([['offer', 'sdp']]);
    expect(routes.take({ type: 'chat', slot: 0, text: 'hi' })).toBe(true);
    links[0]!.options.signal('offer', 'x');
    expect(sent).toEqual([[2, 'offer', links[0]!.link]]);
  });

  it('routes a pair direct while its link is open and alive; the overlay view gives both routes’ round trips', () => {
    const { routes, links } = rig(0, new Map([[0, 4], [1, 6]]));
    routes.take(match([0, 1, 2]));
    links[0]!.state = 'open';
    links[0]!.alive = true;
    routes.tick(100);
    expect(routes.transport.routeOf('slot:1')).toBe('direct');
    expect(routes.transport.routeOf('slot:2')).toBe('relay');
    const view = routes.peers((slot) => (slot === 1 ? 2.5 : undefined));
    expect(view).toEqual([
      { slot: 1, route: 'direct', link: 'open', routes: [{ route: 'relay', active: false, rttMs: 10 }, { route: 'direct', active: true, rttMs: 2.5 }, { route: 'peer-relay', active: false, rttMs: undefined }] },
      { slot: 2, route: 'relay', link: 'connecting', routes: [{ route: 'relay', active: true, rttMs: undefined }, { route: 'direct', active: false, rttMs: 3 }, { route: 'peer-relay', active: false, rttMs: undefined }] },
    ]);
  });

  it('hostReachable(false): a pair without a link goes through a player linked to both (peer-relay), and back to the relay with the host', () => {
    const { routes, links } = rig(0, new Map(), (s) => s !== 1);
    routes.take(match([0, 1, 2]));
    expect(links).toHaveLength(1); // to slot 2 only: slot 1 declined
    const viaTwo = links[0]!;
    viaTwo.state = 'open';
    viaTwo.alive = true;
    viaTwo.frames.push(Uint8Array.of(0xd4, 0b011, 0, 0)); // slot 2 reaches 0 and 1
    routes.tick(100);
    expect(routes.transport.routeOf('slot:1')).toBe('relay'); // the host is up: as before
    expect(routes.transport.routeOf('slot:2')).toBe('direct');
    routes.hostReachable(false);
    routes.tick(110);
    expect(routes.transport.routeOf('slot:1')).toBe('peer-relay');
    expect(routes.transport.routeOf('slot:2')).toBe('direct');

    const packet = Uint8Array.of(0xb5, 1, 2, 3);
    routes.transport.send('slot:1', packet);
    expect([...viaTwo.framesSent.at(-1)!]).toEqual([0xd2, 1, 0xb5, 1, 2, 3]);
    viaTwo.frames.push(Uint8Array.of(0xd3, 1, 0xb5, 9), Uint8Array.of(0xd3, 2, 0xb5, 9), Uint8Array.of(0xd3, 0, 0xb5, 9));
    expect(routes.transport.receive().map((d) => [d.from, [...d.data]])).toEqual([['slot:1', [0xb5, 9]]]); // from 2 (the relay) or 0 (us): refused
    expect(routes.peerRelayStats()!.dropped.notInMatch).toBe(2);

    routes.hostReachable(true);
    routes.tick(120);
    expect(routes.transport.routeOf('slot:1')).toBe('relay');
    routes.hostReachable(false);
    viaTwo.alive = false; // the only relay peer's link silent: nowhere else to go
    routes.tick(130);
    expect(routes.transport.routeOf('slot:1')).toBe('relay');
    expect(routes.transport.routeOf('slot:2')).toBe('relay');
  });

  it('closes the links of players who left the room, and all links for a match it sits out', () => {
    const { routes, links } = rig(0);
    routes.take(match([0, 1, 2]));
    expect(links).toHaveLength(2);
    routes.take(roomState([0, 2]));
    expect(links[0]!.state).toBe('closed');
    expect(links[1]!.state).toBe('connecting');
    expect(routes.peers().map((p) => p.slot)).toEqual([2]);
    routes.take(match([1, 2])); // a match without us
    expect(links[1]!.state).toBe('closed');
    expect(routes.peers()).toEqual([]);
  });

  it('in the lobby links every connected player (kept while it reconnects), spectators nobody, and a match start keeps those links', () => {
    const lobby = (members: [slot: number, role: 'player' | 'spectator', connected: boolean][]): RoomClientEvent => ({
      type: 'room-state',
      state: { phase: 'lobby', members: members.map(([slot, role, connected]) => ({ slot, role, connected })) } as unknown as RoomState,
    });
    const { routes, links } = rig(1);
    routes.take(lobby([[0, 'player', true], [1, 'player', true], [2, 'player', false], [16, 'spectator', true]]));
    expect(routes.peers().map((p) => p.slot)).toEqual([0]); // 2 has no channel yet: our offer could not reach it
    routes.take(lobby([[0, 'player', true], [1, 'player', true], [2, 'player', true], [16, 'spectator', true]]));
    expect(routes.peers().map((p) => p.slot)).toEqual([0, 2]);
    expect(links.map((l) => l.role)).toEqual(['offerer']); // to 2: the lower slot offers; 0 offers to us
    routes.take(lobby([[0, 'player', false], [1, 'player', true], [2, 'player', true], [16, 'spectator', true]]));
    expect(routes.peers().map((p) => p.slot)).toEqual([0, 2]); // 0 reconnecting: its link stays
    routes.take(match([0, 1, 2]));
    expect(links.filter((l) => l.state === 'closed')).toEqual([]);
    expect(links).toHaveLength(1); // no new link: the lobby's is the match's
    const spectator = rig(16);
    spectator.routes.take(lobby([[0, 'player', true], [16, 'spectator', true]]));
    expect(spectator.routes.peers()).toEqual([]);
  });

  it('with direct links off, everything stays on the relay and signals are still consumed', () => {
    const routes = new RoomRoutes({ slot: 0, relay: { send: () => undefined, receive: () => [] }, signal: () => undefined }, false);
    routes.take(match([0, 1]));
    expect(routes.take({ type: 'signal', from: 1, kind: 'offer', link: 1, payload: '' })).toBe(false);
    routes.tick(10);
    expect(routes.peers()).toEqual([{ slot: 1, route: 'relay', link: 'off', routes: [{ route: 'relay', active: true, rttMs: undefined }] }]);
    expect(routes.meshStats()).toBeUndefined();
  });
});
