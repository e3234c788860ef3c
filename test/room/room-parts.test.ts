import { describe, expect, it } from 'vitest';
import { Prng } from '../../sdk/src/kit/prng.ts';
import { constantTimeEqual } from '../../sdk/src/room/constant-time-equal.ts';
import { codePointLength, isDisplayText, truncateCodePoints } from '../../sdk/src/room/display-text.ts';
import { MAX_MEMBER_NAME_LENGTH, normalizeMemberName, uniqueMemberName } from '../../sdk/src/room/member-name.ts';
import { generateReconnectToken, isReconnectToken } from '../../sdk/src/room/reconnect-token.ts';
import { matchHandle } from '../../sdk/src/room/match-decision.ts';
import { slotRole } from '../../sdk/src/room/room-state.ts';
import { DEFAULT_ROOM_SETTINGS } from '../../sdk/src/room/room-settings.ts';

describe('member names', () => {
  it('trims and NFC-normalizes', () => {
    expect(normalizeMemberName('  Ada  ')).toBe('Ada');
    expect(normalizeMemberName('Ame\u0301lie')).toBe('Amélie'); // decomposed é becomes one code point
    expect(normalizeMemberName('Ame\u0301lie')).toHaveLength(6);
  });

  it('accepts 1..24 code points, counting an emoji as one', () => {
    expect(MAX_MEMBER_NAME_LENGTH).toBe(24);
    expect(normalizeMemberName('x')).toBe('x');
    expect(normalizeMemberName('x'.repeat(24))).toBe('x'.repeat(24));
    expect(normalizeMemberName('😀'.repeat(24))).toBe('😀'.repeat(24));
    expect(normalizeMemberName('x'.repeat(25))).toBeUndefined();
    expect(normalizeMemberName('😀'.repeat(25))).toBeUndefined();
    expect(normalizeMemberName('👩‍👩‍👧')).toBe('👩‍👩‍👧'); // zero-width joiners are allowed
  });

  it('refuses empty, blank, control and invisible characters, lone surrogates and non-strings', () => {
    for (const bad of ['', '   ', '\t', 'a\u0000b', 'a\nb', 'a\rb', 'a\u007f', 'a\u0085', 'a\u2028b', 'a\u202eb', 'a\u200bb', 'a\ufeffb', 'a\ud800', '\udc00a', 'a\u{E0041}']) {
      expect(normalizeMemberName(bad), JSON.stringify(bad)).toBeUndefined();
    }
    for (const bad of [undefined, null, 42, {}, ['a']]) expect(normalizeMemberName(bad)).toBeUndefined();
    expect(normalizeMemberName(' '.repeat(300) + 'a')).toBeUndefined(); // refused before trimming
  });

  it('gives a duplicate (case-insensitively) the first free number, within 24 code points', () => {
    expect(uniqueMemberName('Ada', [])).toBe('Ada');
    expect(uniqueMemberName('Ada', ['Bob'])).toBe('Ada');
    expect(uniqueMemberName('Ada', ['ada'])).toBe('Ada 2');
    expect(uniqueMemberName('Ada', ['Ada', 'Ada 2', 'ADA 3'])).toBe('Ada 4');
    const long = 'abcdefghijklmnopqrstuvwx';
    expect(uniqueMemberName(long, [long])).toBe('abcdefghijklmnopqrstuv 2');
    const emoji = '😀'.repeat(24);
    const second = uniqueMemberName(emoji, [emoji]);
    expect(second).toBe(`${'😀'.repeat(22)} 2`);
    expect(normalizeMemberName(second)).toBe(second);
    // 23 names taken: the 24th member still gets a valid unique one.
    const taken = ['Zed'];
    for (let i = 2; i <= 23; i++) taken.push(`Zed ${i}`);
    expect(uniqueMemberName('zed', taken)).toBe('zed 24');
  });
});

describe('display text', () => {
  it('counts code points and truncates without splitting a pair', () => {
    expect(codePointLength('a😀b')).toBe(3);
    expect(codePointLength('\ud800')).toBe(1);
    expect(truncateCodePoints('😀😀😀', 2)).toBe('😀😀');
    expect(isDisplayText('hello', 1, 5)).toBe(true);
    expect(isDisplayText('hello!', 1, 5)).toBe(false);
    expect(isDisplayText('', 1, 5)).toBe(false);
    expect(isDisplayText(5, 0, 5)).toBe(false);
  });
});

describe('constantTimeEqual', () => {
  it('is plain string equality', () => {
    expect(constantTimeEqual('', '')).toBe(true);
    expect(constantTimeEqual('secret', 'secret')).toBe(true);
    expect(constantTimeEqual('secret', 'secreT')).toBe(false);
    expect(constantTimeEqual('secret', 'secret ')).toBe(false);
    expect(constantTimeEqual('secret', '')).toBe(false);
    expect(constantTimeEqual('', 'secret')).toBe(false);
    expect(constantTimeEqual('a\u0000', 'a')).toBe(false); // a NUL is not "past the end"
    expect(constantTimeEqual('😀', '😁')).toBe(false);
  });
});

describe('reconnect tokens', () => {
  it('are 32 lowercase hex digits from 4 draws, zero-padded', () => {
    expect(generateReconnectToken(() => 0)).toBe('0'.repeat(32));
    let i = 0;
    const words = [0x01234567, 0x89abcdef, 0xffffffff, 0x1];
    expect(generateReconnectToken(() => words[i++]!)).toBe('0123456789abcdefffffffff00000001');
    const prng = new Prng(3);
    const t = generateReconnectToken(() => prng.nextU32());
    expect(isReconnectToken(t)).toBe(true);
    expect(generateReconnectToken(() => prng.nextU32())).not.toBe(t);
  });

  it('refuse a broken source; isReconnectToken is strict', () => {
    expect(() => generateReconnectToken(() => -1)).toThrow(RangeError);
    expect(isReconnectToken('A'.repeat(32))).toBe(false);
    expect(isReconnectToken('a'.repeat(31))).toBe(false);
    expect(isReconnectToken('g'.repeat(32))).toBe(false);
    expect(isReconnectToken(undefined)).toBe(false);
  });
});

describe('slots and handles', () => {
  it('slotRole: 0..15 players, 16..23 spectators', () => {
    expect(slotRole(0)).toBe('player');
    expect(slotRole(15)).toBe('player');
    expect(slotRole(16)).toBe('spectator');
    expect(slotRole(23)).toBe('spectator');
    for (const bad of [-1, 24, 1.5, Number.NaN]) expect(slotRole(bad)).toBeUndefined();
  });

  it('matchHandle is the index in players', () => {
    const match = { matchId: 1, epoch: 1, seed: 2, players: [0, 3, 5], colors: [0, 1, 2], shapes: [0, 1, 2], settings: DEFAULT_ROOM_SETTINGS, startFrame: 0 } as const;
    expect(matchHandle(match, 3)).toBe(1);
    expect(matchHandle(match, 1)).toBe(-1);
  });
});
