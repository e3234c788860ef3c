import { matchSpeedFromLink } from '../app/match-speed.ts';
import type { MatchRequest } from '../app/match-request.ts';
import { BotRunner } from './bot-runner.ts';
import type { MatchRunner } from './match-runner.ts';
import { OnlineRunner } from './online-runner.ts';
import { SimulatorRunner } from './simulator-runner.ts';

/** The runner for a match request. Offline seeds are fresh each match; online, the host's decision carries the seed. */
export function createRunner(request: MatchRequest): MatchRunner {
  const seed = Math.floor(Math.random() * 2 ** 31);
  switch (request.mode) {
    case 'online':
      return new OnlineRunner(request.connection, request.match, request.rejoin === true);
    case 'bots':
      return new BotRunner({ bots: request.bots, seed, playerName: request.playerName, syncTest: request.syncTest, gameMode: request.gameMode, speed: matchSpeedFromLink() });
    case 'simulator':
      return new SimulatorRunner({
        players: request.players,
        profileName: request.profileName,
        profile: request.profile,
        seed,
        playerName: request.playerName,
        inputDelay: request.inputDelay,
        maxPrediction: request.maxPrediction,
        gameMode: request.gameMode,
      });
  }
}
