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
  send(): void {}
  receive(): Uint8Array[] {
    return [];
  }
  handleSignal(kind: string, payload: string) {
    this.signals.push([kind, payload]);
    return undefined;
  }
  close(): void {
    this.state = 'closed';
  }
}

function rig(slot: number, pings = new Map<number, number>()) {
  const links: StandIn[] = [];
  const sent: [number, string, number][] = [];
  const routes = new RoomRoutes(
    { slot, relay: { send: () => undefined, receive: () => [] }, signal: (to, kind, link) => sent.push([to, kind, link]), hostRtts: () => pings },
    {
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
      { slot: 1, route: 'direct', link: 'open', routes: [{ route: 'relay', active: false, rttMs: 10 }, { route: 'direct', active: true, rttMs: 2.5 }] },
      { slot: 2, route: 'relay', link: 'connecting', routes: [{ route: 'relay', active: true, rttMs: undefined }, { route: 'direct', active: false, rttMs: 3 }] },
    ]);
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

  it('with direct links off, everything stays on the relay and signals are still consumed', () => {
    const routes = new RoomRoutes({ slot: 0, relay: { send: () => undefined, receive: () => [] }, signal: () => undefined }, false);
    routes.take(match([0, 1]));
    expect(routes.take({ type: 'signal', from: 1, kind: 'offer', link: 1, payload: '' })).toBe(false);
    routes.tick(10);
    expect(routes.peers()).toEqual([{ slot: 1, route: 'relay', link: 'off', routes: [{ route: 'relay', active: true, rttMs: undefined }] }]);
    expect(routes.meshStats()).toBeUndefined();
  });
});
