/**
 * `npm run bench:rejoin`: how long a player who comes back takes to be in the match again, in
 * virtual time (`SimulatedMatch`, the SDK's test game: a 2-chunk state), on every standard
 * profile at 4 and 8 players. Each run: the match plays 3 s, one player vanishes, the others play
 * on without it for 4 s (its drop agreed), then it restarts in rejoin mode and every other
 * session is told (`readmit`). Reported per profile and size, over `--seeds` runs (p50 / p99):
 *
 * - **state**: from the restart until the returning session has loaded the match's state (ms):
 *   its handshake plus the transfer;
 * - **back**: until its re-entry frame is agreed everywhere (ms): the state, catching up, and
 *   the agreement;
 * - **stalls**: the survivors' stall frames during the 6 s after the restart (mean per survivor),
 *   beside the same 6 s of a match without a return (the network's own).
 *
 *   npm run bench:rejoin                 20 seeds each (≈ 30 s)
 *   npm run bench:rejoin -- --seeds 5
 */
import { parseArgs } from 'node:util';
import { cpus } from 'node:os';
import { SimulatedMatch } from '../src/sim/simulated-match.ts';
import { NETWORK_PRESETS } from '../src/sim/network-presets.ts';

const { values } = parseArgs({ options: { seeds: { type: 'string', default: '20' } } });
const seeds = Number(values.seeds);
const profiles = ['lan', 'wifi', 'continental', 'intercontinental', 'awful'] as const;

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

interface Run {
  readonly stateMs: number;
  readonly backMs: number;
  readonly stalls: number;
}

function run(profile: (typeof profiles)[number], players: number, seed: number, rejoin: boolean): Run {
  const match = new SimulatedMatch({ players, seed, profile: NETWORK_PRESETS[profile] });
  const who = players - 1;
  match.runUntil(3000);
  match.kill(who);
  match.runUntil(7000);
  const before = match.peers.map((p) => p.session.stats().stallFrames);
  if (rejoin) match.restart(who);
  const start = match.clock.now();
  let stateMs = -1;
  let backMs = -1;
  while (match.clock.now() < start + 6000) {
    match.runUntil(match.clock.now() + 5);
    const back = match.peers[who]!;
    if (stateMs < 0 && back.events.some((e) => e.type === 'state-loaded')) stateMs = match.clock.now() - start;
    if (backMs < 0 && match.peers.every((p) => !p.alive || p.events.some((e) => e.type === 'readmitted'))) backMs = match.clock.now() - start;
  }
  let stalls = 0;
  for (const peer of match.peers) if (peer.player !== who) stalls += peer.session.stats().stallFrames - before[peer.player]!;
  if (rejoin && match.compareChecksums().mismatchedFrames.length > 0) throw new Error(`${profile} ${players}p seed ${seed}: checksums differ`);
  return { stateMs, backMs, stalls: stalls / (players - 1) };
}

console.log(`# rejoin (virtual time), ${seeds} seeds; ${cpus()[0]?.model ?? 'unknown CPU'}, ${new Date().toISOString().slice(0, 10)}`);
console.log('| profile | players | state p50 / p99 (ms) | back p50 / p99 (ms) | survivors\' stall frames in 6 s: with a return / without |');
console.log('|---|---|---|---|---|');
const json: Record<string, unknown>[] = [];
for (const profile of profiles) {
  for (const players of [4, 8]) {
    const runs: Run[] = [];
    const quiet: Run[] = [];
    for (let seed = 1; seed <= seeds; seed++) {
      runs.push(run(profile, players, seed, true));
      quiet.push(run(profile, players, seed, false));
    }
    const state = runs.map((r) => r.stateMs).sort((a, b) => a - b);
    const back = runs.map((r) => r.backMs).sort((a, b) => a - b);
    const mean = (rs: Run[]): number => rs.reduce((sum, r) => sum + r.stalls, 0) / rs.length;
    const missing = back.filter((ms) => ms < 0).length;
    console.log(
      `| ${profile} | ${players} | ${quantile(state, 0.5)} / ${quantile(state, 0.99)} | ${quantile(back, 0.5)} / ${quantile(back, 0.99)}${missing > 0 ? ` (${missing} not back in 6 s)` : ''} | ${mean(runs).toFixed(1)} / ${mean(quiet).toFixed(1)} |`,
    );
    json.push({ profile, players, stateP50: quantile(state, 0.5), stateP99: quantile(state, 0.99), backP50: quantile(back, 0.5), backP99: quantile(back, 0.99), stalls: mean(runs), stallsWithout: mean(quiet) });
  }
}
console.log(JSON.stringify(json));
