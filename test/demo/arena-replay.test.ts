import { describe, expect, it } from 'vitest';
import { P2PSession } from '../../sdk/src/core/p2p-session.ts';
import { FramePacer } from '../../sdk/src/core/frame-pacer.ts';
import { SimulatedNetwork } from '../../sdk/src/sim/simulated-network.ts';
import { VirtualClock } from '../../sdk/src/sim/virtual-clock.ts';
import { NETWORK_PRESETS } from '../../sdk/src/sim/network-presets.ts';
import { decodeReplay, encodeReplay } from '../../sdk/src/replay/replay-codec.ts';
import type { Replay } from '../../sdk/src/replay/replay-format.ts';
import { ArenaGame, arenaInputCodec, botInput } from '../../demo-game/src/sim/index.ts';
import type { ArenaInput, ArenaState } from '../../demo-game/src/sim/index.ts';
import { driveSession } from '../../demo-game/src/match/drive-session.ts';
import { BotRunner } from '../../demo-game/src/match/bot-runner.ts';
import { SimulatorRunner } from '../../demo-game/src/match/simulator-runner.ts';
import { arenaReplayMode, arenaReplaySettings, createArenaRecorder, playArenaReplay } from '../../demo-game/src/match/arena-replay.ts';
import { ArenaMode } from '../../demo-game/src/sim/arena-mode.ts';

/** Encodes, decodes and plays `replay` back on a fresh arena; returns the player after the last frame. */
function roundTrip(replay: Replay) {
  const bytes = encodeReplay(replay);
  const decoded = decodeReplay(bytes);
  expect(decoded).toEqual(replay);
  const watched = playArenaReplay(decoded);
  expect(watched.player.playToEnd()).toBeUndefined();
  expect(watched.player.checksumsVerified).toBe(replay.checksums.length);
  return { bytes, watched };
}

describe('arena replays', () => {
  it('the simulator runner (4 players, wifi, 25 s) records its match; the replay verifies every checksum', () => {
    const runner = new SimulatorRunner({ players: 4, profileName: 'wifi', profile: NETWORK_PRESETS.wifi, seed: 4, playerName: 'me' });
    const sample = () => botInput(runner.game.state, 0, runner.game.frame);
    for (let now = 1000; now < 1000 + 25_000; now += 5) runner.tick(now, sample);
    const replay = runner.replay();
    expect(replay.frameCount).toBeGreaterThan(1400);
    expect(replay.checksums.length).toBeGreaterThan(20);
    expect(replay.decision.names).toEqual(['me', 'Bot 1', 'Bot 2', 'Bot 3']);
    const { bytes } = roundTrip(replay);
    console.info(`arena replay, 4 bots on wifi: ${bytes.length} bytes for ${replay.frameCount} frames (${Math.round((bytes.length / replay.frameCount) * 3600)} bytes/min)`);
    runner.dispose();
  });

  it('a whole match against bots replays to the very state it ended in', () => {
    const runner = new BotRunner({ bots: 3, seed: 8, playerName: 'me', syncTest: false });
    const sample = () => botInput(runner.game.state, 0, runner.game.frame);
    for (let now = 0; !runner.finished && now < 20 * 60_000; now += 4) runner.tick(now, sample);
    expect(runner.finished).toBe(true);
    const replay = runner.replay();
    expect(replay.frameCount).toBe(runner.game.frame);
    const { watched } = roundTrip(replay);
    expect(watched.game.checksum()).toBe(runner.game.checksum());
    expect(watched.game.matchWinner).toBe(runner.game.matchWinner);
  });

  it('a shrinking-ring match against bots records its mode and replays in it, through the closing ring, to the same state', () => {
    const runner = new BotRunner({ bots: 2, seed: 21, playerName: 'me', syncTest: false, gameMode: ArenaMode.ShrinkingRing });
    const sample = () => botInput(runner.game.state, 0, runner.game.frame);
    // 50 s: the first round's ring closes fully.
    for (let now = 0; now < 50_000; now += 4) runner.tick(now, sample);
    expect(runner.game.frame).toBeGreaterThan(2700);
    const replay = runner.replay();
    expect(new TextDecoder().decode(replay.decision.settings)).toBe('backspin-arena/1 mode=shrinking-ring');
    const { watched } = roundTrip(replay);
    expect(watched.game.mode).toBe(ArenaMode.ShrinkingRing);
    expect(watched.game.checksum()).toBe(runner.game.checksum());
    // The same inputs played as Classic part ways at the first checksum (the mode is in it).
    const asClassic = playArenaReplay({ ...replay, decision: { ...replay.decision, settings: arenaReplaySettings(ArenaMode.Classic) } });
    expect(asClassic.player.playToEnd()?.frame).toBe(0);
  });

  it('reads a replay\'s mode: none is Classic (older replays), unknown modes are refused by name', () => {
    const enc = (text: string) => new TextEncoder().encode(text);
    expect(arenaReplayMode(enc('backspin-arena/1'))).toBe(ArenaMode.Classic);
    expect(arenaReplayMode(arenaReplaySettings(ArenaMode.ShrinkingRing))).toBe(ArenaMode.ShrinkingRing);
    expect(new TextDecoder().decode(arenaReplaySettings(ArenaMode.Classic))).toBe('backspin-arena/1');
    expect(() => arenaReplayMode(enc('backspin-arena/1 mode=teams'))).toThrow('an arena mode this build does not have (mode=teams)');
    expect(() => arenaReplayMode(enc('backspin-arena/1 mode=shrinking-ring extra'))).toThrow(/mode this build does not have/);
    expect(() => arenaReplayMode(enc('backspin-arena/1 speed=2'))).toThrow(/mode this build does not have/);
    expect(() => arenaReplayMode(enc('backspin-arena/2 mode=shrinking-ring'))).toThrow(/rules 2;/);
  });

  it('3 arena sessions on wifi, one crashing mid-match: the survivor’s replay has the drop and verifies', () => {
    const clock = new VirtualClock();
    const network = new SimulatedNetwork({ seed: 12, clock, profile: NETWORK_PRESETS.wifi });
    const players = 3;
    const recorder = createArenaRecorder({ players, seed: 99, names: ['a', 'b', 'c'] });
    const peers = Array.from({ length: players }, (_, me) => {
      const game = new ArenaGame({ players, seed: 99 });
      const session = new P2PSession<ArenaInput, ArenaState>({
        players: Array.from({ length: players }, (_, p) => (p === me ? { kind: 'local' as const } : { kind: 'remote' as const, address: `p${p}` })),
        game,
        transport: network.endpoint(`p${me}`),
        input: arenaInputCodec,
        seed: 1000 + me,
        checksumIntervalFrames: 30,
        ...(me === 0 ? { onConfirmedInputs: recorder.onConfirmedInputs, onChecksum: recorder.onChecksum } : {}),
      });
      return { game, session, pacer: new FramePacer(60), alive: true, bot: () => botInput(game.state, me, game.frame) };
    });
    for (let now = 0; now < 30_000; now += 4) {
      clock.set(now);
      if (now === 12_000) {
        peers[2]!.alive = false;
        network.kill('p2');
      }
      for (const peer of peers) if (peer.alive) driveSession(peer.session, peer.pacer, now, peer.bot);
    }
    const drop = peers[0]!.session.events().find((e) => e.type === 'disconnected');
    expect(drop?.type).toBe('disconnected');
    const replay = recorder.replay();
    expect(replay.tracks[2]!.absences).toEqual([{ from: drop?.type === 'disconnected' ? drop.frame + 1 : -1, to: replay.frameCount }]);
    expect(replay.frameCount).toBeGreaterThan(replay.tracks[2]!.absences[0]!.from + 600);
    const { watched } = roundTrip(replay);
    expect(watched.game.isRemoved(2)).toBe(true);
  });

  it('refuses a replay of another game by name', () => {
    const recorder = createArenaRecorder({ players: 2, seed: 1, names: ['a', 'b'] });
    const other = { ...recorder.replay(), decision: { ...recorder.replay().decision, settings: new TextEncoder().encode('pong/1') } };
    expect(() => playArenaReplay(other)).toThrow('This replay is not of Backspin Arena.');
    const newer = { ...other, decision: { ...other.decision, settings: new TextEncoder().encode('backspin-arena/2') } };
    expect(() => playArenaReplay(newer)).toThrow(/rules 2/);
  });
});
