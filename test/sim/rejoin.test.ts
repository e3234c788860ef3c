import { describe, expect, it } from 'vitest';
import { SimulatedMatch } from '../../sdk/src/sim/simulated-match.ts';
import type { SimulatedPeer } from '../../sdk/src/sim/simulated-match.ts';
import { loadNetworkProfiles } from '../../sdk/src/sim/load-network-profiles.ts';
import { getProfile } from '../../sdk/src/sim/network-profile.ts';
import { Prng } from '../../sdk/src/kit/prng.ts';
import { SessionState } from '../../sdk/src/core/p2p-session.ts';
import type { Transport } from '../../sdk/src/transport/transport.ts';
import { MessageType } from '../../sdk/src/protocol/messages.ts';
import { decodePacket } from '../../sdk/src/protocol/decode-packet.ts';
import { encodePacket } from '../../sdk/src/protocol/encode-packet.ts';
import { rejoinMessageCodec } from '../../sdk/src/protocol/rejoin-message-codec.ts';

/**
 * Issue 13, part 1, in virtual time: a player whose peer vanished (a crash, a reload) comes back
 * into the running match in its own slot (`SimulatedMatch.restart`: a new session with
 * `rejoin: true`, and `readmit` on every other session, as a room does). The survivors agree on
 * the frame it re-enters at; every confirmed checksum, the returning peer's after its return
 * included, must agree.
 */
const profiles = loadNetworkProfiles();
const profileNames = Object.keys(profiles.profiles);

/** The re-entry frames a peer saw for `player`, in order. */
function returns(peer: SimulatedPeer, player: number): number[] {
  return peer.events.flatMap((e) => (e.type === 'readmitted' && e.player === player ? [e.frame] : []));
}

function loadedAt(peer: SimulatedPeer): number {
  const event = peer.events.find((e) => e.type === 'state-loaded');
  return event?.type === 'state-loaded' ? event.frame : -1;
}

/** Checks one match after its returns: one match, in sync, the returning peer playing in it. */
function expectOneMatch(match: SimulatedMatch, who: number, times: number, context: string): void {
  const live = match.peers.filter((p) => p.alive);
  const comparison = match.compareChecksums();
  expect(comparison.mismatchedFrames, context).toEqual([]);
  const expected = returns(live[0]!, who);
  expect(expected, context).toHaveLength(times);
  for (const peer of live) {
    expect(peer.session.state, context).toBe(SessionState.Running);
    expect(peer.session.stats().desyncs, context).toBe(0);
    // Everyone agreed on the same re-entry frames (the returning peer's events span its sessions).
    expect(returns(peer, who), context).toEqual(expected);
  }
  // The returning peer plays on with the others, and its checksums since the state it loaded
  // were compared with theirs (not only taken).
  const back = match.peers[who]!;
  const frames = live.map((p) => p.session.currentFrame);
  expect(Math.max(...frames) - Math.min(...frames), context).toBeLessThan(30);
  const since = loadedAt(back);
  const others = live.filter((p) => p.player !== who);
  let compared = 0;
  for (const [frame, checksum] of back.checksums) {
    if (frame < since) continue;
    for (const other of others) {
      const theirs = other.checksums.get(frame);
      if (theirs === undefined) continue;
      expect(checksum, `${context}; frame ${frame}`).toBe(theirs);
      compared++;
    }
  }
  expect(compared, context).toBeGreaterThanOrEqual(5 * others.length);
}

describe('a player comes back into a running match', () => {
  const cases: [string, number, number][] = [];
  for (const profile of profileNames) for (const players of [2, 4, 8]) for (const seed of [1, 2]) cases.push([profile, players, seed]);

  it.each(cases)('on %s with %i players (seed %i): vanishes and returns twice, at random moments', (profileName, players, seed) => {
    const rng = new Prng(seed * 7919 + players);
    const match = new SimulatedMatch({ players, seed, profile: getProfile(profiles, profileName), session: { checksumIntervalFrames: 30 } });
    const who = 1 + rng.nextInt(players - 1);
    let t = 2000 + rng.nextInt(2000);
    match.runUntil(t);
    for (let round = 0; round < 2; round++) {
      match.kill(who);
      // Back before its drop is agreed (a quick reload) or long after.
      t += 200 + rng.nextInt(4000);
      match.runUntil(t);
      match.restart(who);
      t += 7000;
      match.runUntil(t);
    }
    expectOneMatch(match, who, 2, `${profileName} ${players}p seed ${seed}, player ${who}`);
  });

  const during: [string, number, number][] = [];
  for (const profile of profileNames) for (const players of [3, 4, 8]) during.push([profile, players, 3]);

  it.each(during)('on %s with %i players (seed %i): returns while another player drops out', (profileName, players, seed) => {
    const rng = new Prng(seed * 31 + players);
    const match = new SimulatedMatch({ players, seed, profile: getProfile(profiles, profileName), session: { checksumIntervalFrames: 30 } });
    const who = 1 + rng.nextInt(players - 1);
    const other = who === players - 1 ? 1 : who + 1;
    match.runUntil(2500 + rng.nextInt(1000));
    match.kill(who);
    match.runUntil(match.clock.now() + 2500 + rng.nextInt(1500));
    // The other vanishes as the player returns: its drop is agreed while the return is under way.
    match.kill(other);
    match.restart(who);
    match.runUntil(match.clock.now() + 9000);
    const context = `${profileName} ${players}p, player ${who} returns, player ${other} drops`;
    expectOneMatch(match, who, 1, context);
    // The drop is agreed by everyone, the returning peer included (it loaded a state without the
    // dropped player, or took part in its drop), and nobody but the returning peer saw it twice.
    for (const peer of match.peers.filter((p) => p.alive)) {
      expect(peer.session.peerStats(other).connected, context).toBe(false);
    }
  });

  it.each([
    ['lan', 4],
    ['wifi', 4],
    ['wifi', 8],
    ['continental', 8],
    ['intercontinental', 4],
    ['awful', 4],
  ] as const)('on %s with %i players: the others stall no longer than the state transfer takes', (profileName, players) => {
    for (let seed = 1; seed <= 3; seed++) {
      const match = new SimulatedMatch({ players, seed, profile: getProfile(profiles, profileName) });
      const who = players - 1;
      match.runUntil(3000);
      match.kill(who);
      match.runUntil(7000); // its drop agreed long ago: the others play on without it
      const baseline = watch(match, who, 3000).stallMs;
      const stallsBefore = match.peers.map((p) => p.session.stats().stallFrames);
      match.restart(who);
      const { stallMs: stall, loadedMs: transferMs, lagFrames } = watch(match, who, 6000);
      // It re-enters level with the others, not a one-way trip behind (where they would wait
      // for its inputs at their prediction limit until time sync evened it out). On awful its
      // prediction window (8 frames) cannot reach their frame over a 125 ms one-way trip with
      // loss: it stops within that window.
      expect(Math.abs(lagFrames), `${profileName} seed ${seed}: behind by ${lagFrames} frames`).toBeLessThanOrEqual(profileName === 'awful' ? 8 : 4);
      if (quietNetwork(profileName)) {
        // Where the network alone makes nobody wait, a return makes nobody wait either: the
        // returning peer reaches the others' frame before it re-enters (a few frames at most).
        for (const peer of match.peers) {
          if (peer.player === who) continue;
          expect(peer.session.stats().stallFrames - stallsBefore[peer.player]!, `${profileName} seed ${seed}, player ${peer.player}`).toBeLessThanOrEqual(3);
        }
      }
      expect(transferMs, `${profileName} seed ${seed}`).toBeGreaterThan(0);
      // The transfer (handshake included) is the only wait a return may cost the others, beyond
      // what the network costs them anyway (the same match without a return).
      expect(stall, `${profileName} seed ${seed}: transfer ${transferMs} ms, baseline ${baseline} ms`).toBeLessThanOrEqual(Math.max(transferMs, baseline) + match.frameMs);
      expect(match.compareChecksums().mismatchedFrames).toEqual([]);
    }
  });

  it('in lockstep (no prediction), with the same agreement', () => {
    const match = new SimulatedMatch({ players: 3, seed: 5, profile: getProfile(profiles, 'wifi'), session: { maxPrediction: 0, checksumIntervalFrames: 30 } });
    match.runUntil(3000);
    match.kill(2);
    match.runUntil(6000);
    match.restart(2);
    match.runUntil(12_000);
    expectOneMatch(match, 2, 1, 'lockstep');
  });

  it('a state that fails its hash on the way is sent again, and a chunk that is garbage is counted and dropped', () => {
    let corrupted = 0;
    let garbage = 0;
    const who = 2;
    const match: SimulatedMatch = new SimulatedMatch({
      players: 3,
      seed: 9,
      profile: getProfile(profiles, 'wifi'),
      session: { checksumIntervalFrames: 30 },
      transport: (player, inner) => (player === who ? corruptingStateChunks(inner, () => match.peers[who]!.restarts > 0, { corrupted: () => corrupted++, garbage: () => garbage++ }) : inner),
    });
    match.runUntil(3000);
    match.kill(who);
    match.runUntil(6000);
    match.restart(who);
    match.runUntil(13_000);
    expect(corrupted).toBe(1);
    expect(garbage).toBeGreaterThan(0);
    const back = match.peers[who]!;
    expect(back.session.stats().dropped.malformed).toBeGreaterThanOrEqual(garbage + 1);
    expectOneMatch(match, who, 1, 'a corrupted state');
  });
});

/** Profiles on which a match of these sizes does not stall at all without a return (lan, wifi, continental). */
function quietNetwork(profileName: string): boolean {
  return profileName === 'lan' || profileName === 'wifi' || profileName === 'continental';
}

/**
 * Runs `ms` of virtual time: the longest time (ms) any live peer but `who` went without advancing
 * a frame, and how long after the start `who` loaded the match's state (-1: it did not).
 */
function watch(match: SimulatedMatch, who: number, ms: number): { stallMs: number; loadedMs: number; lagFrames: number } {
  const start = match.clock.now();
  const end = start + ms;
  let loadedMs = -1;
  let lagFrames = Number.NaN;
  const last = match.peers.map((p) => p.session.currentFrame);
  const since = match.peers.map(() => match.clock.now());
  let longest = 0;
  while (match.clock.now() < end) {
    match.runUntil(match.clock.now() + 5);
    const now = match.clock.now();
    for (const peer of match.peers) {
      if (peer.player === who || !peer.alive) continue;
      if (peer.session.currentFrame !== last[peer.player]) {
        longest = Math.max(longest, now - since[peer.player]! - 5);
        last[peer.player] = peer.session.currentFrame;
        since[peer.player] = now;
      }
    }
    const back = match.peers[who]!;
    if (loadedMs < 0 && back.events.some((e) => e.type === 'state-loaded')) loadedMs = now - start;
    if (Number.isNaN(lagFrames) && back.restarts > 0 && back.events.some((e) => e.type === 'readmitted')) {
      lagFrames = Math.max(...match.peers.filter((p) => p.player !== who && p.alive).map((p) => p.session.currentFrame)) - back.session.currentFrame;
    }
  }
  return { stallMs: longest, loadedMs, lagFrames };
}

/**
 * The returning peer's transport, once `active`: the first state chunk that arrives has one byte of
 * its state flipped (the whole state then fails its hash), and a garbage chunk (an index past the
 * state's end) is slipped in after each of the first chunks.
 */
function corruptingStateChunks(inner: Transport, active: () => boolean, count: { corrupted: () => void; garbage: () => void }): Transport {
  let flipped = false;
  let sent = 0;
  return {
    send: (to, data) => inner.send(to, data),
    receive: () => {
      const datagrams = inner.receive();
      if (!active()) return datagrams;
      const out = [];
      for (const d of datagrams) {
        const type = d.data[2]! & 0x0f;
        if (type !== MessageType.StateChunk) {
          out.push(d);
          continue;
        }
        const data = d.data.slice();
        if (!flipped) {
          flipped = true;
          data[data.length - 1] = data[data.length - 1]! ^ 0x40;
          count.corrupted();
        }
        out.push({ from: d.from, data });
        const decoded = decodePacket(d.data, { playerCount: 3, inputSize: 2, previousInput: () => undefined, rejoin: rejoinMessageCodec });
        if (decoded.ok && decoded.packet.message.type === MessageType.StateChunk && sent < 4) {
          // The same chunk naming a chunk far past the state's end: refused, nothing changes.
          sent++;
          const junk = encodePacket({ token: decoded.packet.token, message: { ...decoded.packet.message, index: 99_999 } }, { playerCount: 3, inputSize: 2, previousInput: () => undefined, rejoin: rejoinMessageCodec });
          out.push({ from: d.from, data: junk });
          count.garbage();
        }
      }
      return out;
    },
  };
}
