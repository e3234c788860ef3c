import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ROOM_SETTINGS,
  ROOM_SETTINGS_LIMITS,
  isRoomSettingValue,
  resolveRoomSettings,
  sameRoomSettings,
} from '../../sdk/src/room/room-settings.ts';
import type { RoomSettings } from '../../sdk/src/room/room-settings.ts';

describe('resolveRoomSettings', () => {
  it('fills in the defaults: 4 players, delay 2, prediction 8, 60 fps, the game\'s default mode', () => {
    expect(resolveRoomSettings()).toEqual({ maxPlayers: 4, inputDelay: 2, maxPrediction: 8, fps: 60, gameMode: 0 });
    expect(resolveRoomSettings({})).toEqual(DEFAULT_ROOM_SETTINGS);
    expect(resolveRoomSettings({ maxPrediction: 0 })).toEqual({ maxPlayers: 4, inputDelay: 2, maxPrediction: 0, fps: 60, gameMode: 0 });
  });

  it('takes missing values from the base, not the defaults', () => {
    const base: RoomSettings = { maxPlayers: 8, inputDelay: 5, maxPrediction: 0, fps: 30, gameMode: 1 };
    expect(resolveRoomSettings({ inputDelay: 1 }, base)).toEqual({ maxPlayers: 8, inputDelay: 1, maxPrediction: 0, fps: 30, gameMode: 1 });
  });

  it('accepts every bound and refuses one past it, naming the field', () => {
    const ranges: [keyof RoomSettings, number, number][] = [
      ['maxPlayers', 2, 16],
      ['inputDelay', 0, 30],
      ['maxPrediction', 0, 30],
      ['fps', 1, 240],
      ['gameMode', 0, 255],
    ];
    for (const [key, min, max] of ranges) {
      expect(ROOM_SETTINGS_LIMITS[key]).toEqual({ min, max });
      expect(resolveRoomSettings({ [key]: min })[key]).toBe(min);
      expect(resolveRoomSettings({ [key]: max })[key]).toBe(max);
      const or = key === 'inputDelay' ? " or 'auto'" : '';
      expect(() => resolveRoomSettings({ [key]: min - 1 })).toThrow(new RegExp(`${key} must be an integer in ${min}\\.\\.${max}${or}, got ${min - 1}`));
      expect(() => resolveRoomSettings({ [key]: max + 1 })).toThrow(RangeError);
    }
  });

  it("takes 'auto' for the input delay (each player's session then chooses its own), and for nothing else", () => {
    expect(resolveRoomSettings({ inputDelay: 'auto' }).inputDelay).toBe('auto');
    expect(resolveRoomSettings({ maxPlayers: 3 }, resolveRoomSettings({ inputDelay: 'auto' })).inputDelay).toBe('auto');
    for (const key of ['maxPlayers', 'maxPrediction', 'fps', 'gameMode'] as const) {
      expect(() => resolveRoomSettings({ [key]: 'auto' } as never)).toThrow(new RegExp(`${key} must be an integer`));
    }
    expect(() => resolveRoomSettings({ inputDelay: 'Auto' } as never)).toThrow(/inputDelay must be an integer in 0\.\.30 or 'auto', got string/);
  });

  it('refuses non-integers, NaN, infinities, strings and null', () => {
    for (const bad of [2.5, Number.NaN, Infinity, -Infinity, '4', null, true, {}, []]) {
      expect(() => resolveRoomSettings({ maxPlayers: bad } as never)).toThrow(RangeError);
    }
  });

  it('refuses unknown keys and non-objects', () => {
    expect(() => resolveRoomSettings({ maxplayers: 4 } as never)).toThrow(/unknown setting 'maxplayers'/);
    expect(() => resolveRoomSettings(JSON.parse('{"__proto__": 4}') as never)).toThrow(/unknown setting/);
    expect(() => resolveRoomSettings(null as never)).toThrow(RangeError);
    expect(() => resolveRoomSettings([] as never)).toThrow(RangeError);
  });

  it('treats an undefined value as absent and returns a frozen copy with -0 as 0', () => {
    const s = resolveRoomSettings({ fps: undefined, inputDelay: -0 } as never);
    expect(s.fps).toBe(60);
    expect(Object.is(s.inputDelay, 0)).toBe(true);
    expect(Object.isFrozen(s)).toBe(true);
    expect(Object.isFrozen(DEFAULT_ROOM_SETTINGS)).toBe(true);
  });

  it('isRoomSettingValue and sameRoomSettings', () => {
    expect(isRoomSettingValue('fps', 60)).toBe(true);
    expect(isRoomSettingValue('fps', 0)).toBe(false);
    expect(isRoomSettingValue('maxPlayers', '4')).toBe(false);
    expect(sameRoomSettings(resolveRoomSettings(), DEFAULT_ROOM_SETTINGS)).toBe(true);
    expect(sameRoomSettings(resolveRoomSettings({ fps: 30 }), DEFAULT_ROOM_SETTINGS)).toBe(false);
    expect(sameRoomSettings(resolveRoomSettings({ gameMode: 1 }), DEFAULT_ROOM_SETTINGS)).toBe(false);
  });
});
