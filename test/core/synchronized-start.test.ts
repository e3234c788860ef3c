import { describe, expect, it } from 'vitest';
import { SessionRig } from '../helpers/session-rig.ts';
import type { RigPeer } from '../helpers/session-rig.ts';
import { SessionState } from '../../sdk/src/core/p2p-session.ts';
import type { NetworkProfile } from '../../sdk/src/sim/network-profile.ts';

// The synchronized start: a peer whose handshakes are done is only ready, and starts frame 0 once
// every remaining peer has said it is ready too (an Input message of its own, empty until it runs).

/** 20 ms round trips, nothing lost: the only delays are the ones a test makes. */
const steady: NetworkProfile = { rttMs: 20, jitterMs: 0, loss: 0, duplicate: 0, reorder: 0 };
const cut: NetworkProfile = { ...steady, loss: 1 };

/** Ticks the rig until `untilMs`, noting when each peer's session started running (ms, -1: not yet). */
function runNoting(rig: SessionRig, untilMs: number, startedAt: number[]): void {
  while (rig.clock.now() < untilMs) {
    rig.tick();
    rig.peers.forEach((peer, p) => {
      if (startedAt[p]! < 0 && peer.session.state === SessionState.Running) startedAt[p] = rig.clock.now();
    });
  }
}

function synchronizedWith(peer: RigPeer): number {
  return peer.events.filter((e) => e.type === 'synchronized').length;
}

describe('synchronized start', () => {
  it.each([
    ['rollback', 8],
    ['lockstep', 0],
  ])('%s: peers whose handshakes are done wait for a late one, then all start within a tick', (_, maxPrediction) => {
    const rig = new SessionRig({ players: 4, profile: steady, session: { maxPrediction } });
    // Player 3's packets to player 1 are lost for 400 ms: neither's handshake with the other can
    // finish, while players 0 and 2 are done with everyone at about 100 ms.
    rig.network.setLinkProfile('p3', 'p1', cut);
    const startedAt = [-1, -1, -1, -1];
    runNoting(rig, 400, startedAt);
    expect(startedAt).toEqual([-1, -1, -1, -1]);
    expect(synchronizedWith(rig.peers[0]!)).toBe(3);
    expect(synchronizedWith(rig.peers[2]!)).toBe(3);
    expect(synchronizedWith(rig.peers[1]!)).toBe(2);
    expect(synchronizedWith(rig.peers[3]!)).toBe(2);
    for (const peer of rig.peers) expect(peer.session.currentFrame).toBe(0);

    rig.network.setLinkProfile('p3', 'p1', undefined);
    runNoting(rig, 1500, startedAt);
    expect(startedAt.every((t) => t > 400)).toBe(true);
    expect(Math.max(...startedAt) - Math.min(...startedAt)).toBeLessThanOrEqual(rig.frameMs + 0.001);
    for (const peer of rig.peers) {
      const types = peer.events.map((e) => e.type);
      expect(types.indexOf('running')).toBeGreaterThan(types.lastIndexOf('synchronized'));
      expect(types.filter((t) => t === 'running')).toHaveLength(1);
    }
    // Started together: every peer has advanced about the same number of frames, none stalled long.
    const frames = rig.peers.map((peer) => peer.session.currentFrame);
    expect(Math.max(...frames) - Math.min(...frames)).toBeLessThanOrEqual(2);
    expect(Math.min(...frames)).toBeGreaterThan(40);
    expect(rig.checksumAgreement().mismatches).toEqual([]);
  });

  it('a peer that answers handshakes and then falls silent before it is ready is dropped, and the others start without it', () => {
    const rig = new SessionRig({ players: 3, profile: steady, session: { disconnectNotifyStartMs: 500, disconnectTimeoutMs: 2000 } });
    // Players 1 and 2 cannot reach each other: neither is ready; 0 is, and waits for both.
    rig.network.setLinkProfile('p1', 'p2', cut);
    rig.network.setLinkProfile('p2', 'p1', cut);
    const startedAt = [-1, -1, -1];
    runNoting(rig, 500, startedAt);
    expect(synchronizedWith(rig.peers[0]!)).toBe(2);
    expect(startedAt).toEqual([-1, -1, -1]);
    rig.kill(2); // then player 2 crashes
    runNoting(rig, 4000, startedAt);
    // 0 heard 2 go silent (witnessed by 1) and dropped it; 1 learned of the drop from 0's readiness
    // notices, which carry 0's statuses, and both started without 2.
    expect(startedAt[0]).toBeGreaterThan(2000);
    expect(startedAt[1]).toBeGreaterThan(2000);
    expect(Math.abs(startedAt[0]! - startedAt[1]!)).toBeLessThanOrEqual(rig.frameMs + 0.001);
    for (const p of [0, 1]) {
      const events = rig.peers[p]!.events;
      expect(events).toContainEqual({ type: 'disconnected', player: 2, frame: -1 });
      expect(rig.peers[p]!.session.currentFrame).toBeGreaterThan(30);
    }
    expect(rig.peers[0]!.events.some((e) => e.type === 'interrupted' && e.player === 2)).toBe(true);
  });

  it('a peer that never answers keeps the others synchronizing, named in silent notices', () => {
    const rig = new SessionRig({ players: 3, profile: steady });
    rig.kill(2);
    rig.ticks(60 * 7);
    for (const p of [0, 1]) {
      const peer = rig.peers[p]!;
      expect(peer.session.state).toBe(SessionState.Synchronizing);
      expect(peer.session.currentFrame).toBe(0);
      const silent = peer.events.filter((e) => e.type === 'synchronizing' && e.player === 2 && e.silentMs !== undefined);
      expect(silent.length).toBeGreaterThanOrEqual(2);
    }
  });

  it('2 players start within a tick of each other', () => {
    const rig = new SessionRig({ players: 2, profile: steady });
    const startedAt = [-1, -1];
    runNoting(rig, 1000, startedAt);
    expect(startedAt.every((t) => t > 0)).toBe(true);
    expect(Math.abs(startedAt[0]! - startedAt[1]!)).toBeLessThanOrEqual(rig.frameMs + 0.001);
  });
});
