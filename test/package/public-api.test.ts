import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Application, LogLevel } from 'typedoc';
import type { TypeDocOptions } from 'typedoc';
import { describe, expect, it } from 'vitest';
import * as root from '../../sdk/src/index.ts';
import * as sim from '../../sdk/src/sim.ts';
import * as testing from '../../sdk/src/testing.ts';
import * as host from '../../sdk/src/host.ts';
import * as node from '../../sdk/src/node.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The public surface of each entry point, written out: adding or removing an export is a
 * deliberate edit of this list (issue 11). Types are not here (they have no runtime name); the
 * API reference check below covers them.
 */
const SURFACE: Record<string, { module: object; names: string[] }> = {
  backspin: {
    module: root,
    names: [
      'AdvanceResult', 'BinaryReadError', 'BinaryReader', 'BinaryWriter',
      'DEFAULT_ISOLATION_TIMEOUT_MS', 'DEFAULT_ROOM_SETTINGS', 'DEFAULT_WRITER_CAPACITY',
      'FIRST_SPECTATOR_SLOT', 'FIXED_FRACTION_BITS', 'FIXED_HALF', 'FIXED_HALF_PI', 'FIXED_MAX',
      'FIXED_MIN', 'FIXED_ONE', 'FIXED_PI', 'FIXED_TWO_PI', 'FramePacer', 'HOST_HOLDER', 'Hasher',
      'InputStatus', 'JOIN_CODE_LENGTH', 'MATCH_DISCONNECT_TIMEOUT_MS', 'MAX_CHAT_LENGTH',
      'MAX_INPUT_BYTES', 'MAX_INPUT_DELAY', 'MAX_MEMBER_NAME_LENGTH', 'MEMBER_COLORS', 'MEMBER_SHAPES', 'MAX_PACKET_BYTES',
      'MAX_PLAYERS', 'MAX_PREDICTION', 'MAX_ROOM_MEMBERS', 'MAX_ROOM_PASSWORD_LENGTH',
      'MAX_SPECTATORS', 'MemberDropReason', 'P2PSession', 'RejoinableSession', 'PLAYER_SLOTS', 'PRNG_STATE_WORDS',
      'PROTOCOL_VERSION', 'Prng', 'REPLAY_VERSION', 'MAX_REPLAY_NAME_BYTES', 'MAX_REPLAY_SETTINGS_BYTES',
      'ReplayFormatError', 'ReplayPlayer', 'ReplayRecorder', 'decodeReplay', 'encodeReplay', 'ROOM_SETTINGS_LIMITS', 'ROOM_SETTING_KEYS', 'ROOM_SLOTS',
      'RoomCloseReason', 'RoomError', 'RoomJoinError', 'RoutedTransport', 'SessionDropReason',
      'SessionEndReason', 'SessionState', 'SignalKind', 'SpectatorDropReason', 'SpectatorFeed', 'SpectatorSession', 'SpectatorState',
      'StandardRoute', 'SyncTestSession',
      'addressSlot', 'bytesInputCodec', 'connectToRoom', 'createMatchSession', 'createSpectatorSession', 'fixedAbs',
      'fixedAtan2', 'fixedCeil', 'fixedClamp', 'fixedCos', 'fixedDiv', 'fixedFloor',
      'fixedFromRatio', 'fixedLerp', 'fixedMax', 'fixedMin', 'fixedMul', 'fixedRound', 'fixedSin',
      'fixedSqrt', 'fixedToInt', 'fixedToNumber', 'formatJoinCode', 'hashBytes', 'int32StateCodec', 'isJoinCode',
      'normalizeJoinCode', 'repeatLastInput', 'routeRtts', 'slotAddress', 'slotRole', 'spectatorSource', 'splitSpectatorTraffic', 'toFixed',
    ],
  },
  'backspin/sim': {
    module: sim,
    names: ['NETWORK_PRESETS', 'PERFECT_NETWORK_PROFILE', 'SimulatedMatch', 'SimulatedNetwork', 'VirtualClock', 'getProfile', 'parseNetworkProfile', 'parseNetworkProfiles'],
  },
  'backspin/testing': { module: testing, names: ['TestGame', 'compareChecksums'] },
  'backspin/host': { module: host, names: ['OPEN_ROOMS_PATH', 'lanAddresses', 'openRooms', 'serveStatic', 'startHost'] },
  'backspin/node': { module: node, names: ['NETWORK_PROFILES_ENV', 'defaultNetworkProfilesPath', 'installNodeWebRTC', 'loadNetworkProfiles'] },
};

/** The SDK's own machinery: no entry point may export it. */
const INTERNALS = ['RoomAuthority', 'RelayHost', 'constantTimeEqual', 'truncateCodePoints', 'resolveSessionConfig', 'encodeControlMessage', 'decodeControlMessage', 'MeshLinks', 'DirectLink', 'RoomClient', 'RelayRoute', 'RoomRoutes'];

describe('the public API', () => {
  for (const [entry, { module, names }] of Object.entries(SURFACE)) {
    it(`${entry} exports exactly its listed names`, () => {
      expect(Object.keys(module).sort()).toEqual([...names].sort());
      for (const internal of INTERNALS) expect(Object.keys(module), `${entry} exports ${internal}`).not.toContain(internal);
    });
  }

  it('keeps the test game out of the root entry point', () => {
    expect(Object.keys(root)).not.toContain('TestGame');
  });

  it('documents every public name: TypeDoc validates the reference with no warning', async () => {
    const started = performance.now();
    // typedoc.json is JSON with comments (TypeDoc reads it as a tsconfig); strip whole-line ones.
    const config = JSON.parse(
      readFileSync(`${REPO}typedoc.json`, 'utf8')
        .split('\n')
        .filter((line) => !line.trim().startsWith('//'))
        .join('\n'),
    ) as TypeDocOptions & { $schema?: string };
    delete config.$schema;
    const app = await Application.bootstrapWithPlugins({
      ...config,
      entryPoints: (config.entryPoints ?? []).map((p) => `${REPO}${p}`),
      tsconfig: `${REPO}${String(config.tsconfig)}`,
      readme: 'none',
      logLevel: LogLevel.Warn,
    });
    const messages: string[] = [];
    const log = app.logger.log.bind(app.logger);
    app.logger.log = (message, level) => {
      if (level >= LogLevel.Warn) messages.push(String(message));
      log(message, level);
    };
    const project = await app.convert();
    expect(project, messages.join('\n')).toBeDefined();
    app.validate(project!);
    console.info(`typedoc: converted and validated in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    expect(messages).toEqual([]);
    expect(app.logger.warningCount).toBe(0);
    expect(app.logger.errorCount).toBe(0);
  }, 60_000);
});
