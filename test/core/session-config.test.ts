import { describe, expect, it } from 'vitest';
import { resolveSessionConfig } from '../../sdk/src/core/session-config.ts';
import type { P2PSessionConfig, PlayerSpec } from '../../sdk/src/core/session-config.ts';
import { bytesInputCodec } from '../../sdk/src/core/input-codec.ts';
import { TestGame } from '../../sdk/src/testing/test-game.ts';

const transport = { send: () => undefined, receive: () => [] };
function config(overrides: Partial<P2PSessionConfig<Uint8Array, Int32Array>> = {}): P2PSessionConfig<Uint8Array, Int32Array> {
  return {
    players: [{ kind: 'local' }, { kind: 'remote', address: 'b' }],
    game: new TestGame(2),
    transport,
    input: bytesInputCodec(2),
    seed: 1,
    ...overrides,
  };
}

describe('resolveSessionConfig', () => {
  it('fills in the documented defaults', () => {
    const c = resolveSessionConfig(config());
    expect(c).toMatchObject({ playerCount: 2, localPlayer: 0, inputDelay: 2, maxPrediction: 8, fps: 60, disconnectTimeoutMs: 2000, disconnectNotifyStartMs: 500, checksumIntervalFrames: 60 });
  });

  it.each([
    [{ players: [{ kind: 'local' }] as PlayerSpec[] }, /2\.\.16 players/],
    [{ players: Array.from({ length: 17 }, (_, i): PlayerSpec => (i === 0 ? { kind: 'local' } : { kind: 'remote', address: `p${i}` })) }, /2\.\.16 players/],
    [{ players: [{ kind: 'remote', address: 'a' }, { kind: 'remote', address: 'b' }] as PlayerSpec[] }, /one player must be local/],
    [{ players: [{ kind: 'local' }, { kind: 'local' }] as PlayerSpec[] }, /only one local player/],
    [{ players: [{ kind: 'local' }, { kind: 'remote', address: 'b' }, { kind: 'remote', address: 'b' }] as PlayerSpec[] }, /used twice/],
    [{ input: bytesInputCodec(0) }, /input.size/],
    [{ input: bytesInputCodec(65) }, /input.size/],
    [{ inputDelay: -1 }, /inputDelay/],
    [{ maxPrediction: 1.5 }, /maxPrediction/],
    [{ disconnectTimeoutMs: Number.NaN }, /disconnectTimeoutMs/],
    [{ disconnectTimeoutMs: 400, disconnectNotifyStartMs: 500 }, /less than disconnectTimeoutMs/],
    [{ seed: -3 }, /seed/],
  ])('rejects %o with a clear error', (overrides, message) => {
    expect(() => resolveSessionConfig(config(overrides))).toThrow(message);
  });
});
