import { describe, expect, it } from 'vitest';
import { cleanChatText, MAX_CHAT_TEXT } from '../../demo-game/src/app/chat-text.ts';
import { EmoteLimiter, EMOTES, emoteChatText, emoteOf } from '../../demo-game/src/app/emotes.ts';
import { closedReason, parseOpenRooms } from '../../demo-game/src/app/open-rooms.ts';

const room = (extra: Record<string, unknown> = {}) => ({ code: 'K7QM2P', owner: 'Ada', players: 2, maxPlayers: 4, spectators: 0, phase: 'lobby', hasPassword: false, ...extra });

describe('the title screen\'s room list, from the host\'s answer', () => {
  it('takes well-formed rooms and leaves out malformed or forged ones', () => {
    const rooms = parseOpenRooms({
      rooms: [
        room(),
        room({ code: 'WPC3RN', owner: 'Zoë\u200b <b>x</b>', phase: 'playing', hasPassword: true }),
        room({ code: 'not a code' }),
        room({ code: 'ABCDEF', players: -1 }),
        room({ code: 'ABCDEG', maxPlayers: 1.5 }),
        room({ code: 'ABCDEH', phase: 'closed' }),
        room({ code: 'ABCDEJ', hasPassword: 'no' }),
        room({ code: 'ABCDEK', owner: 'x'.repeat(300) }),
        null,
        'K7QM2P',
      ],
    });
    expect(rooms).toEqual([
      { code: 'K7QM2P', owner: 'Ada', players: 2, maxPlayers: 4, playing: false, hasPassword: false },
      // The invisible character goes, as from a typed name; markup stays text for the page to set as text.
      { code: 'WPC3RN', owner: 'Zoë <b>x</b>', players: 2, maxPlayers: 4, playing: true, hasPassword: true },
    ]);
    for (const bad of [null, 'rooms', {}, { rooms: 'x' }, []]) expect(parseOpenRooms(bad)).toBeUndefined();
    expect(parseOpenRooms({ rooms: Array.from({ length: 100 }, () => room()) })).toHaveLength(32);
  });

  it('says why a room cannot be joined now: playing, or full', () => {
    const [open, full, playing] = parseOpenRooms({ rooms: [room(), room({ players: 4 }), room({ phase: 'playing' })] })!;
    expect(closedReason(open!)).toBeUndefined();
    expect(closedReason(full!)).toBe('full');
    expect(closedReason(playing!)).toMatch(/playing/);
  });
});

describe('chat lines and emotes', () => {
  it('cleans a typed line: invisible characters out, spaces collapsed, at most 120 code points; nothing visible sends nothing', () => {
    expect(cleanChatText('  hi\u200b  there\u202e! \n')).toBe('hi there!');
    expect(cleanChatText('\u200b \t')).toBe('');
    expect([...cleanChatText('🐉'.repeat(500))]).toHaveLength(MAX_CHAT_TEXT);
    // Emoji sequences keep their joiner.
    expect(cleanChatText('👩\u200d👩\u200d👧')).toBe('👩\u200d👩\u200d👧');
  });

  it('sends an emote as a chat line and knows it back; anything else is an ordinary line', () => {
    EMOTES.forEach((_, i) => expect(emoteOf(emoteChatText(i))).toBe(i));
    for (const text of ['gg', '/emote', '/emote GG', '/emote gg ', 'x /emote gg', '/emote toString']) expect(emoteOf(text)).toBeUndefined();
    expect(() => emoteChatText(4)).toThrow(RangeError);
  });

  it('limits emotes on the sending page: 3 at once, then one per 1.5 s', () => {
    const limit = new EmoteLimiter();
    expect([0, 10, 20, 30, 40].map((t) => limit.take(t))).toEqual([true, true, true, false, false]);
    expect(limit.take(1000)).toBe(false);
    expect(limit.take(1600)).toBe(true);
    expect(limit.take(1700)).toBe(false);
    // Resting refills up to the burst, no further.
    expect([10_000, 10_001, 10_002, 10_003].map((t) => limit.take(t))).toEqual([true, true, true, false]);
  });
});
