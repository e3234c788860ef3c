import { describe, expect, it } from 'vitest';
import { SessionObserver } from '../../demo-game/src/match/session-observer.ts';
import type { P2PSession } from '../../sdk/src/core/p2p-session.ts';
import type { SessionEvent } from '../../sdk/src/core/session-events.ts';

/** What the player is told, for a session that reports `events` (only `events()` is read for these). */
function observe(events: SessionEvent[]) {
  const session = { events: () => events.splice(0) } as unknown as P2PSession<unknown, unknown>;
  const observer = new SessionObserver(session, ['Ada', 'Bo', 'Cy']);
  observer.observe();
  return { observer, notices: observer.drainNotices().map((n) => `${n.kind}: ${n.text}`) };
}

describe("the demo's reading of a session that loses its connection", () => {
  it('isolated: says the connection is down and the match waits, and shows it as the status', () => {
    const { observer, notices } = observe([{ type: 'running' }, { type: 'isolated', endInMs: 10_000 }]);
    expect(notices).toEqual(['error: No other player can be heard: your connection is down. The match waits 10 s for it…']);
    expect(observer.status).toBe('Connection lost: waiting for the other players…');
    expect(observer.endedEarly).toBeUndefined();
  });

  it('reconnected: the match goes on, and the status clears', () => {
    const { observer, notices } = observe([{ type: 'running' }, { type: 'isolated', endInMs: 10_000 }, { type: 'reconnected' }]);
    expect(notices.at(-1)).toBe('info: Connected again: the match goes on');
    expect(observer.status).toBeUndefined();
  });

  it('ended as removed or isolated: the match ends early for this player, with the reason', () => {
    const removed = observe([{ type: 'running' }, { type: 'ended', reason: 'removed' }]).observer;
    expect(removed.endedEarly).toBe('The other players dropped you from the match: your device stopped answering for too long.');
    const isolated = observe([{ type: 'running' }, { type: 'isolated', endInMs: 1 }, { type: 'ended', reason: 'isolated' }]).observer;
    expect(isolated.endedEarly).toMatch(/^Your connection was down too long/);
    expect(isolated.status).toBeUndefined();
  });

  it('ended because the player left: nothing to tell', () => {
    const { observer, notices } = observe([{ type: 'running' }, { type: 'ended', reason: 'left' }]);
    expect(observer.endedEarly).toBeUndefined();
    expect(notices).toEqual([]);
  });
});
