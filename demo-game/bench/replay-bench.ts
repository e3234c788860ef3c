/**
 * `npm run bench:replay`: how big a replay of the arena is, in bytes per minute of play, for 2, 4
 * and 8 players. Every player is the demo's bot (it re-aims at its target every frame, so its
 * input changes far more often than a person holding keys: an upper bound for keyboard play), and
 * then every player holds random inputs for about 8 frames each (test/demo's RandomInputs model,
 * ~7.5 changes a second per player). Checksums every 60 frames, as the demo records them. Inputs
 * here are final at once (no network): a replay depends only on the inputs, not on how they
 * travelled. Also times playing each replay back (decode, rebuild the arena, step every frame and
 * verify every checksum; the median of 3 runs after a warm-up). Prints a table, or one JSON object
 * with `--json`.
 */
import { gzipSync } from 'node:zlib';
import { InputStatus, decodeReplay, encodeReplay } from 'backspin';
import type { ArenaInput } from '../src/sim/index.ts';
import { ArenaGame, arenaInputCodec, botInput, NEUTRAL_INPUT } from '../src/sim/index.ts';
import { Prng } from 'backspin';
import { createArenaRecorder, playArenaReplay } from '../src/match/arena-replay.ts';

const FPS = 60;
const MINUTES = 3;
const CHECKSUM_INTERVAL_FRAMES = 60;
const json = process.argv.includes('--json');

type InputModel = 'bots' | 'held';

/** Records `MINUTES` of an arena match with the given input model; returns bytes per minute, raw and gzipped, and playback time per minute. */
function measure(players: number, model: InputModel): { bytesPerMinute: number; gzipBytesPerMinute: number; playbackMsPerMinute: number } {
  const game = new ArenaGame({ players, seed: 1234 });
  const recorder = createArenaRecorder({ players, fps: FPS, seed: 1234, names: Array.from({ length: players }, (_, p) => `Player ${p + 1}`) });
  const rng = new Prng(99);
  const held = new Array<ArenaInput>(players).fill(NEUTRAL_INPUT);
  const bytes = Array.from({ length: players }, () => new Uint8Array(arenaInputCodec.size));
  const statuses = new Array<InputStatus>(players).fill(InputStatus.Confirmed);
  const step = Array.from({ length: players }, () => ({ input: NEUTRAL_INPUT, status: InputStatus.Confirmed as InputStatus }));
  for (let f = 0; f < MINUTES * 60 * FPS; f++) {
    if (f % CHECKSUM_INTERVAL_FRAMES === 0) recorder.onChecksum(f, game.checksum());
    for (let p = 0; p < players; p++) {
      let input: ArenaInput;
      if (model === 'bots') input = botInput(game.state, p, f);
      else {
        if (rng.nextInt(8) === 0) held[p] = rng.nextInt(64) | (rng.nextInt(33) << 8);
        input = held[p]!;
      }
      bytes[p]!.fill(0);
      arenaInputCodec.encode(input, bytes[p]!);
      step[p]!.input = arenaInputCodec.decode(bytes[p]!);
    }
    recorder.onConfirmedInputs(f, bytes, statuses);
    game.step(step);
  }
  const file = encodeReplay(recorder.replay());
  const times: number[] = [];
  for (let run = 0; run < 4; run++) {
    const started = performance.now();
    const watched = playArenaReplay(decodeReplay(file));
    if (watched.player.playToEnd() !== undefined || watched.player.checksumsVerified !== watched.player.checksumCount) throw new Error('the replay did not verify');
    if (run > 0) times.push(performance.now() - started); // run 0 warms the JIT up
  }
  times.sort((a, b) => a - b);
  return { bytesPerMinute: file.length / MINUTES, gzipBytesPerMinute: gzipSync(file).length / MINUTES, playbackMsPerMinute: times[1]! / MINUTES };
}

const results: Record<string, number> = {};
for (const model of ['bots', 'held'] as const) {
  for (const players of [2, 4, 8]) {
    const { bytesPerMinute, gzipBytesPerMinute, playbackMsPerMinute } = measure(players, model);
    results[`${model}_${players}p_bytesPerMinute`] = Math.round(bytesPerMinute);
    results[`${model}_${players}p_gzipBytesPerMinute`] = Math.round(gzipBytesPerMinute);
    results[`${model}_${players}p_playbackMsPerMinute`] = Math.round(playbackMsPerMinute * 10) / 10;
  }
}

if (json) {
  console.log(JSON.stringify(results));
} else {
  console.log(`Arena replay size (${MINUTES} minutes recorded at ${FPS} fps, checksums every ${CHECKSUM_INTERVAL_FRAMES} frames; Node ${process.version})`);
  console.log('');
  console.log('| players | bots: bytes/min | bots: gzip | held inputs: bytes/min | held: gzip | playback of a minute (bots) |');
  console.log('|---:|---:|---:|---:|---:|---:|');
  for (const p of [2, 4, 8]) {
    const r = (k: string) => results[k]!.toLocaleString('en-US');
    console.log(`| ${p} | ${r(`bots_${p}p_bytesPerMinute`)} | ${r(`bots_${p}p_gzipBytesPerMinute`)} | ${r(`held_${p}p_bytesPerMinute`)} | ${r(`held_${p}p_gzipBytesPerMinute`)} | ${r(`bots_${p}p_playbackMsPerMinute`)} ms |`);
  }
}
