import { describe, expect, it } from 'vitest';
import { forgetRoomResume, loadRoomResume, saveRoomResume } from '../../demo-game/src/app/room-resume.ts';
import type { ResumeStorage } from '../../demo-game/src/app/room-resume.ts';

function memory(): ResumeStorage & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return { map, getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v), removeItem: (k) => void map.delete(k) };
}

describe('the tab’s room, kept across a reload', () => {
  it('keeps the room code and the token by room; forgets both on leaving', () => {
    const s = memory();
    expect(loadRoomResume(s)).toBeUndefined();
    saveRoomResume('K7QM2P', 'a'.repeat(32), s);
    expect(loadRoomResume(s)).toEqual({ code: 'K7QM2P', token: 'a'.repeat(32) });
    expect(s.map.get('backspin.token.K7QM2P')).toBe('a'.repeat(32));
    saveRoomResume('ZZZZZZ', 'b'.repeat(32), s); // another room later: the tab is in that one now
    expect(loadRoomResume(s)).toEqual({ code: 'ZZZZZZ', token: 'b'.repeat(32) });
    forgetRoomResume(s);
    expect(loadRoomResume(s)).toBeUndefined();
    expect(s.map.has('backspin.token.ZZZZZZ')).toBe(false);
  });

  it('a storage that refuses (a privacy setting) costs the resume, nothing else', () => {
    const refusing: ResumeStorage = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('denied');
      },
      removeItem: () => {
        throw new Error('denied');
      },
    };
    expect(() => saveRoomResume('K7QM2P', 'a'.repeat(32), refusing)).not.toThrow();
    expect(loadRoomResume(refusing)).toBeUndefined();
    expect(() => forgetRoomResume(refusing)).not.toThrow();
    expect(loadRoomResume(undefined)).toBeUndefined();
  });
});
