import { describe, expect, it } from 'vitest';
import {
  MAX_CONNECT_REQUEST_CHARS,
  encodeConnectRequest,
  parseConnectRequest,
  refusalReason,
  refusalStatus,
} from '../../sdk/src/relay/connect-request.ts';
import type { ConnectRequest } from '../../sdk/src/relay/connect-request.ts';

function accepted(input: unknown): ConnectRequest {
  const result = parseConnectRequest(input);
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(input)}`);
  return result.request;
}

function refused(input: unknown): boolean {
  const result = parseConnectRequest(input);
  return !result.ok && result.error === 'bad-request';
}

describe('connect requests: valid shapes', () => {
  it('create, with and without password and settings, round-trips through the header encoding', () => {
    const requests: ConnectRequest[] = [
      { action: 'create', name: 'Ann' },
      { action: 'create', name: 'Ann', password: 'hunter2' },
      { action: 'create', name: 'Ann', settings: { maxPlayers: 3, fps: 120, inputDelay: 1, maxPrediction: 0 } },
      { action: 'create', name: 'Ann', settings: { inputDelay: 'auto' } },
    ];
    for (const request of requests) {
      expect(accepted(encodeConnectRequest(request))).toEqual(request);
      expect(accepted(request)).toEqual(request); // an already parsed value too
    }
  });

  it('join as player or spectator, with password or token; the role defaults to player', () => {
    const requests: ConnectRequest[] = [
      { action: 'join', code: 'ABCD-EFGH', name: 'Bo', role: 'player' },
      { action: 'join', code: 'abcdefgh', name: 'Bo', role: 'spectator', password: 'pw' },
      { action: 'join', code: 'ABCDEFGH', name: 'Bo', role: 'player', token: 'x'.repeat(128) },
    ];
    for (const request of requests) expect(accepted(encodeConnectRequest(request))).toEqual(request);
    expect(accepted('{"action":"join","code":"C","name":"n"}')).toEqual({ action: 'join', code: 'C', name: 'n', role: 'player' });
  });

  it('leaves no field it did not check in the result', () => {
    const request = accepted({ action: 'create', name: 'n', settings: { fps: 60 } });
    expect(Object.keys(request).sort()).toEqual(['action', 'name', 'settings']);
  });

  it('accepts lengths up to each limit', () => {
    expect(accepted({ action: 'join', code: 'c'.repeat(32), name: 'n'.repeat(64), role: 'player', password: 'p'.repeat(128) }).action).toBe('join');
  });
});

describe('connect requests: refusals', () => {
  it('anything but a JSON object', () => {
    for (const input of ['', 'x', '{', '[]', '[1]', 'null', '1', '"create"', 'true', '{"action":"create","name":"n"', undefined, null, 7, true, [], ['create']]) {
      expect(refused(input), JSON.stringify(input)).toBe(true);
    }
  });

  it('a string over MAX_CONNECT_REQUEST_CHARS, before parsing it', () => {
    const base = '{"action":"create","name":"n"}';
    expect(refused(base + ' '.repeat(MAX_CONNECT_REQUEST_CHARS - base.length + 1))).toBe(true);
    expect(refused(base + ' '.repeat(MAX_CONNECT_REQUEST_CHARS - base.length))).toBe(false);
    expect(refused('{'.repeat(1_000_000))).toBe(true);
  });

  it('a missing, unknown or mistyped action', () => {
    for (const action of [undefined, 'Create', 'JOIN', 'leave', 'constructor', '__proto__', 1, null, ['create'], { create: true }]) {
      expect(refused({ action, name: 'n', code: 'c' }), JSON.stringify(action)).toBe(true);
    }
  });

  it('a missing or mistyped name, code, password, token or role; over-long strings', () => {
    const join = { action: 'join', code: 'C', name: 'n', role: 'player' };
    const bad: Record<string, unknown>[] = [
      { action: 'create' },
      { action: 'create', name: 1 },
      { action: 'create', name: null },
      { action: 'create', name: ['n'] },
      { action: 'create', name: 'n'.repeat(65) },
      { action: 'create', name: 'n', password: 1 },
      { action: 'create', name: 'n', password: null },
      { action: 'create', name: 'n', password: 'p'.repeat(129) },
      { ...join, code: undefined },
      { ...join, code: 1 },
      { ...join, code: 'c'.repeat(33) },
      { ...join, name: undefined },
      { ...join, role: 'owner' },
      { ...join, role: 'Player' },
      { ...join, role: 1 },
      { ...join, token: 1 },
      { ...join, token: 't'.repeat(129) },
      { ...join, password: { toString: 'x' } },
    ];
    for (const input of bad) {
      expect(refused(input), JSON.stringify(input)).toBe(true);
      expect(refused(JSON.stringify(input)), JSON.stringify(input)).toBe(true);
    }
  });

  it('fields of the other action, or unknown ones', () => {
    expect(refused({ action: 'create', name: 'n', code: 'C' })).toBe(true);
    expect(refused({ action: 'create', name: 'n', role: 'player' })).toBe(true);
    expect(refused({ action: 'create', name: 'n', token: 't' })).toBe(true);
    expect(refused({ action: 'join', code: 'C', name: 'n', settings: {} })).toBe(true);
    // 'auto' is a value of the input delay only.
    expect(refused({ action: 'create', name: 'n', settings: { fps: 'auto' } })).toBe(true);
    expect(refused({ action: 'create', name: 'n', settings: { inputDelay: 'AUTO' } })).toBe(true);
    expect(refused({ action: 'join', code: 'C', name: 'n', admin: true })).toBe(true);
    expect(refused({ action: 'create', name: 'n', slot: 0 })).toBe(true);
  });

  it('settings that are not an object of known finite numbers', () => {
    const bad: unknown[] = [null, [], [60], 'fps', 7, { fps: '60' }, { fps: null }, { fps: Number.NaN }, { fps: Infinity }, { fps: -Infinity }, { speed: 1 }, { fps: 60, extra: 1 }, { toString: 1 }, { hasOwnProperty: 1 }];
    for (const settings of bad) expect(refused({ action: 'create', name: 'n', settings }), String(JSON.stringify(settings))).toBe(true);
    expect(refused('{"action":"create","name":"n","settings":{"fps":1e999}}')).toBe(true); // JSON's infinity
  });

  it('prototype pollution attempts are refused and pollute nothing', () => {
    const attempts = [
      '{"action":"create","name":"n","__proto__":{"polluted":1}}',
      '{"action":"join","code":"C","name":"n","__proto__":{"role":"spectator","polluted":1}}',
      '{"action":"create","name":"n","settings":{"__proto__":{"polluted":1}}}',
      '{"action":"create","name":"n","settings":{"__proto__":{"fps":1}}}',
      '{"action":"create","name":"n","constructor":{"prototype":{"polluted":1}}}',
      '{"action":"create","name":"n","settings":{"constructor":{"prototype":{"polluted":1}}}}',
      '{"__proto__":{"action":"create","name":"n"}}',
    ];
    for (const attempt of attempts) {
      expect(refused(attempt), attempt).toBe(true);
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty('polluted');
      expect(Object.prototype).not.toHaveProperty('fps');
    }
  });

  it('a create whose settings name __proto__ (own key after JSON.parse) never becomes the prototype of the result', () => {
    // Even the accepted result is a plain object with only the checked keys.
    const request = accepted('{"action":"create","name":"n","settings":{"fps":60}}');
    expect(Object.getPrototypeOf(request)).toBe(Object.prototype);
    if (request.action !== 'create') throw new Error('action');
    expect(Object.getPrototypeOf(request.settings)).toBe(Object.prototype);
  });
});

describe('refusal reasons travel as HTTP statuses', () => {
  it('each reason maps to a distinct status and back', () => {
    const reasons = ['bad-request', 'bad-token', 'bad-password', 'no-such-room', 'full', 'bad-name', 'in-progress', 'rate-limited', 'too-many-rooms', 'too-many-own-rooms', 'create-rate-limited'];
    const statuses = reasons.map(refusalStatus);
    expect(new Set(statuses).size).toBe(reasons.length);
    for (const status of statuses) expect(status >= 400 && status < 600).toBe(true);
    for (const r of reasons) expect(refusalReason(refusalStatus(r))).toBe(r);
    expect(refusalStatus('rate-limited')).toBe(429);
    expect(refusalStatus('no-such-room')).toBe(404);
    expect(refusalStatus('bad-password')).toBe(403);
    expect(refusalStatus('too-many-own-rooms')).toBe(412);
    expect(refusalStatus('create-rate-limited')).toBe(425);
  });

  it('an unknown reason is a bad request; an unknown or missing status is unreachable', () => {
    expect(refusalStatus('no-free-code')).toBe(400);
    expect(refusalStatus('__proto__')).toBe(400);
    expect(refusalStatus('toString')).toBe(400);
    expect(refusalReason(undefined)).toBe('unreachable');
    expect(refusalReason(500)).toBe('unreachable');
    expect(refusalReason(200)).toBe('unreachable');
  });
});

describe('connect request edge cases', () => {
  it('refuses a null role rather than reading it as a player', async () => {
    const { parseConnectRequest } = await import('../../sdk/src/relay/connect-request.ts');
    expect(parseConnectRequest(JSON.stringify({ action: 'join', code: 'ABCDEF', name: 'a', role: null })).ok).toBe(false);
    expect(parseConnectRequest(JSON.stringify({ action: 'join', code: 'ABCDEF', name: 'a' }))).toMatchObject({ ok: true, request: { role: 'player' } });
  });
});
