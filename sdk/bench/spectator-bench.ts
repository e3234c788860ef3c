/**
 * `npm run bench:spectators`: what spectators cost the player's peer that feeds them (issue 13),
 * in virtual time (`SpectatedMatch`: 4 players, the SDK's test game, the feed on player 0), for
 * 1, 8 and 32 spectators watching from frame 0, on the `lan` and `wifi` profiles:
 *
 * - **CPU**: time in the feed's `poll` per frame per spectator, as a share of the time one
 *   player's session (and game) takes per frame, both measured in the same runs (the simulated
 *   network's own time excluded from both; the least of several runs, see `best`);
 * - **bytes/s**: what the feed sends each spectator (payload, no UDP/IP headers) and receives
 *   from it, per second of match.
 *
 *   npm run bench:spectators                20 s of match per run, the least of 5 (≈ 1 min)
 *   npm run bench:spectators -- --seconds 5 --repeats 3
 */
import { parseArgs } from 'node:util';
import { cpus } from 'node:os';
import { SpectatedMatch } from '../src/sim/spectated-match.ts';
import { NETWORK_PRESETS } from '../src/sim/network-presets.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '20' }, repeats: { type: 'string', default: '5' } } });
const seconds = Number(values.seconds);
const repeats = Number(values.repeats);
const PLAYERS = 4;
const WARMUP_MS = 3000;

interface Row {
  readonly profile: string;
  readonly spectators: number;
  readonly sessionUsPerFrame: number;
  readonly feedUsPerSpectatorFrame: number;
  readonly ratio: number;
  readonly sentPerSpectator: number;
  readonly receivedPerSpectator: number;
  readonly maxLag: number;
}

function run(profile: 'lan' | 'wifi', spectators: number): Row {
  const m = new SpectatedMatch({ players: PLAYERS, seed: 1, profile: NETWORK_PRESETS[profile], feeds: [0], timer: () => performance.now() });
  for (let i = 0; i < spectators; i++) m.addSpectator(0);
  m.runUntil(WARMUP_MS);
  const feed0 = m.feeds[0]!.stats();
  const frames0 = m.match.peers.map((p) => p.framesAdvanced);
  const sdk0 = m.match.sdkMs;
  const feedMs0 = m.feedMs;
  m.runUntil(WARMUP_MS + seconds * 1000);
  const feed = m.feeds[0]!.stats();
  const feedMs = m.feedMs - feedMs0;
  // sdkMs counts every player's session and the feed (polled on its player's tick).
  const sessionMs = m.match.sdkMs - sdk0 - feedMs;
  const frames = m.match.peers.reduce((sum, p, i) => sum + p.framesAdvanced - frames0[i]!, 0);
  const feedFrames = m.match.peers[0]!.framesAdvanced - frames0[0]!;
  const sessionUsPerFrame = (1000 * sessionMs) / frames;
  const feedUsPerSpectatorFrame = (1000 * feedMs) / (feedFrames * spectators);
  let maxLag = 0;
  for (const s of m.spectators) for (const x of s.samples) if (x.atMs >= WARMUP_MS) maxLag = Math.max(maxLag, x.lagFrames);
  const { mismatches } = m.compareWithPlayers();
  if (mismatches.length > 0) throw new Error(`${profile} ${spectators}: a spectator's checksums differ: ${mismatches[0]}`);
  return {
    profile,
    spectators,
    sessionUsPerFrame,
    feedUsPerSpectatorFrame,
    ratio: feedUsPerSpectatorFrame / sessionUsPerFrame,
    sentPerSpectator: (feed.bytesSent - feed0.bytesSent) / spectators / seconds,
    receivedPerSpectator: (feed.bytesReceived - feed0.bytesReceived) / spectators / seconds,
    maxLag,
  };
}

/**
 * Of `repeats` runs, the least time of each (the machine's other load, GC and other processes,
 * only ever adds time; the least is the code's own), and the ratio of those. Bytes and lag are
 * the same in every run (virtual time, one seed).
 */
function best(profile: 'lan' | 'wifi', spectators: number): Row {
  const runs = Array.from({ length: repeats }, () => run(profile, spectators));
  const sessionUsPerFrame = Math.min(...runs.map((r) => r.sessionUsPerFrame));
  const feedUsPerSpectatorFrame = Math.min(...runs.map((r) => r.feedUsPerSpectatorFrame));
  return { ...runs[0]!, sessionUsPerFrame, feedUsPerSpectatorFrame, ratio: feedUsPerSpectatorFrame / sessionUsPerFrame };
}

run('lan', 8); // warm the JIT up
const rows: Row[] = [];
for (const profile of ['lan', 'wifi'] as const) for (const n of [1, 8, 32]) rows.push(best(profile, n));

console.log(`spectator fan-out: ${PLAYERS} players, test game, ${seconds} s of match per run, least time of ${repeats} runs; ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
console.log('| profile | spectators | session µs/frame | feed µs/frame/spectator | ratio | bytes/s sent per spectator | bytes/s received per spectator | max lag (frames) |');
console.log('|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(
    `| ${r.profile} | ${r.spectators} | ${r.sessionUsPerFrame.toFixed(1)} | ${r.feedUsPerSpectatorFrame.toFixed(2)} | ${(100 * r.ratio).toFixed(1)}% | ${Math.round(r.sentPerSpectator)} | ${Math.round(r.receivedPerSpectator)} | ${r.maxLag} |`,
  );
}
