import { describe, expect, it } from 'vitest';
import { DEFAULT_ISOLATION_TIMEOUT_MS, resolveSessionConfig } from '../../sdk/src/core/session-config.ts';
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
    expect(c.isolationTimeoutMs).toBe(DEFAULT_ISOLATION_TIMEOUT_MS);
    expect(DEFAULT_ISOLATION_TIMEOUT_MS).toBe(15_000);
    expect(c.autoInputDelay).toBe(false);
  });

  it("takes inputDelay 'auto': the delay then follows the network, from 2 frames; anything else that is no whole frame count is refused, naming both choices", () => {
    expect(resolveSessionConfig(config({ inputDelay: 'auto' }))).toMatchObject({ inputDelay: 2, autoInputDelay: true });
    expect(resolveSessionConfig(config({ inputDelay: 5 }))).toMatchObject({ inputDelay: 5, autoInputDelay: false });
    expect(() => resolveSessionConfig(config({ inputDelay: 'Auto' as never }))).toThrow(new RangeError("inputDelay must be an integer in 0..30 or 'auto', got 'Auto'"));
    expect(() => resolveSessionConfig(config({ inputDelay: 1.5 }))).toThrow(/or 'auto', got 1.5/);
  });

  it('keeps the isolation timeout past the drop timeout: by default at least twice it, and never at or below it', () => {
    // Raising only disconnectTimeoutMs stays valid: the default isolation timeout follows it.
    expect(resolveSessionConfig(config({ disconnectTimeoutMs: 60_000 })).isolationTimeoutMs).toBe(120_000);
    expect(resolveSessionConfig(config({ disconnectTimeoutMs: 5000 })).isolationTimeoutMs).toBe(15_000);
    expect(resolveSessionConfig(config({ isolationTimeoutMs: 2001 })).isolationTimeoutMs).toBe(2001);
    expect(() => resolveSessionConfig(config({ isolationTimeoutMs: 2000 }))).toThrow(/isolationTimeoutMs \(2000\) must be more than disconnectTimeoutMs \(2000\)/);
    expect(() => resolveSessionConfig(config({ disconnectTimeoutMs: 5000, isolationTimeoutMs: 4000 }))).toThrow(/isolationTimeoutMs/);
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
    [{ isolationTimeoutMs: Number.NaN }, /isolationTimeoutMs must be a finite number/],
    [{ isolationTimeoutMs: Infinity }, /isolationTimeoutMs must be a finite number/],
    [{ isolationTimeoutMs: 1000 }, /must be more than disconnectTimeoutMs/],
    [{ seed: -3 }, /seed/],
  ])('rejects %o with a clear error', (overrides, message) => {
    expect(() => resolveSessionConfig(config(overrides))).toThrow(message);
  });
});
