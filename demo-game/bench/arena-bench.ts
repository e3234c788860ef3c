/**
 * `npm run bench:demo` (Node part): what a rollback of the arena costs. The target is save + load
 * + 8 re-simulated frames in at most 2 ms with 8 players and a full arena. Prints a table, or one
 * JSON object with `--json`.
 */
import { ArenaConfig } from '../src/sim/index.ts';
import { fullArena } from './full-arena.ts';

const TARGET_MS = 2;
const ROLLBACK_FRAMES = 8;
const json = process.argv.includes('--json');

/** Median over `batches` of the mean time (µs) of `op` in a batch of `perBatch` calls. */
function measure(batches: number, perBatch: number, op: () => void): number {
  const means: number[] = [];
  for (let b = 0; b < batches; b++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < perBatch; i++) op();
    means.push(Number(process.hrtime.bigint() - start) / 1000 / perBatch);
  }
  means.sort((a, x) => a - x);
  return means[means.length >> 1]!;
}

const results: Record<string, number> = {};
for (const players of [2, 4, 8]) {
  const arena = fullArena(players, 11);
  const { game } = arena;
  const saved = game.save();
  const spare = game.save();
  const rollback = () => {
    game.save(spare);
    game.load(saved);
    for (let f = 0; f < ROLLBACK_FRAMES; f++) arena.step();
  };
  // Warm-up: let the JIT settle before anything is timed.
  measure(5, 500, rollback);
  results[`rollbackUs_${players}p`] = measure(15, 500, rollback);
  if (players === 8) {
    results.saveUs = measure(15, 5000, () => game.save(spare));
    results.loadUs = measure(15, 5000, () => game.load(saved));
    results.stepUs = measure(15, 2000, () => {
      game.load(saved);
      arena.step();
    }) - results.loadUs;
    results.checksumUs = measure(15, 5000, () => game.checksum());
    results.stateBytes = game.state.words.length * 4;
  }
}

const worst = results.rollbackUs_8p!;
if (json) {
  console.log(JSON.stringify({ ...results, targetMs: TARGET_MS, shareOfTarget: worst / 1000 / TARGET_MS }));
} else {
  console.log(`Arena rollback cost (Node ${process.version}; full arena: everyone firing, ${ArenaConfig.BULLET_CAPACITY}-bullet pool live)`);
  console.log('');
  console.log('| players | save + load + 8 frames |');
  console.log('|---:|---:|');
  for (const p of [2, 4, 8]) console.log(`| ${p} | ${results[`rollbackUs_${p}p`]!.toFixed(1)} µs |`);
  console.log('');
  console.log(`8 players: save ${results.saveUs!.toFixed(2)} µs, load ${results.loadUs!.toFixed(2)} µs, step ${results.stepUs!.toFixed(2)} µs, checksum ${results.checksumUs!.toFixed(2)} µs; state ${results.stateBytes} bytes`);
  console.log(`Against the target (≤ ${TARGET_MS} ms): ${(worst / 1000).toFixed(3)} ms = ${((worst / 1000 / TARGET_MS) * 100).toFixed(1)}% of it (×${(TARGET_MS * 1000 / worst).toFixed(0)} headroom)`);
}
