import { describe, expect, it } from 'vitest';
import { ControlDecodeError, decodeControlMessage, encodeControlMessage } from '../../sdk/src/room/control-messages.ts';
import type { ControlDecodeResult, ControlMessageSource } from '../../sdk/src/room/control-messages.ts';
import { FixtureRandom, canonicalJson, randomControlMessage, utf8 } from './control-fixtures.ts';

/**
 * 20,000 inputs to `decodeControlMessage`: random bytes, random JSON, valid messages broken in
 * ways that must be refused, and valid messages with random byte damage. The decoder must never
 * throw; must refuse every input known to be invalid; and whatever it accepts must be exactly
 * what the input said (no field dropped, coerced or added) and encode back to an equal message.
 */

const RANDOM_BYTES = 4000;
const RANDOM_JSON = 4000;
const BROKEN = 8000;
const DAMAGED = 4000;

const REASONS = new Set<string>(Object.values(ControlDecodeError));
/** Keys that no message or nested object has. */
const UNKNOWN_KEYS = ['extra', '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'Type', 'valueOf'];
/** Keys the fields of messages are made of, for random JSON that comes close. */
const KEYS = ['type', 'token', 'ready', 'settings', 'text', 'slot', 'code', 'epoch', 'state', 'match', 'reason', 'message', 'maxPlayers', 'fps', 'members', 'players', 'name', 'pings', 'to', 'from', 'kind', 'link', 'part', 'parts', 'payload', 'handover', 'tokens', 'password', 'color', 'shape', 'colors', 'shapes', '__proto__'];
const TYPES = ['hello', 'set-ready', 'set-look', 'update-settings', 'start-match', 'end-match', 'leave', 'chat', 'welcome', 'room-state', 'match-start', 'member-dropped', 'host-closing', 'error', 'pings', 'signal', 'handover'];

interface Tally {
  accepted: number;
  refused: Record<string, number>;
}

function check(tally: Tally, bytes: Uint8Array, from: ControlMessageSource | undefined): ControlDecodeResult {
  let result: ControlDecodeResult;
  try {
    result = from === undefined ? decodeControlMessage(bytes) : decodeControlMessage(bytes, from);
  } catch (e) {
    throw new Error(`decode threw ${String(e)} on ${JSON.stringify(new TextDecoder().decode(bytes))}`);
  }
  if (result.ok) {
    tally.accepted++;
    // Exactly what the input said: the parsed JSON and the message are the same value.
    const parsed: unknown = JSON.parse(new TextDecoder().decode(bytes));
    expect(canonicalJson(result.message)).toBe(canonicalJson(parsed));
    const again = decodeControlMessage(encodeControlMessage(result.message), from as never);
    expect(again).toEqual(result);
  } else {
    expect(REASONS.has(result.reason)).toBe(true);
    tally.refused[result.reason] = (tally.refused[result.reason] ?? 0) + 1;
  }
  return result;
}

function randomJson(r: FixtureRandom, depth: number): unknown {
  switch (r.below(depth > 3 ? 5 : 8)) {
    case 0:
      return r.pick([0, 1, -1, 2, 16, 23, 24, 255, 2 ** 32 - 1, 2 ** 32, 0.5, -0, 1e300]);
    case 1:
      return r.pick(['', 'x', 'ABCDEF', 'lobby', 'playing', 'player', 'left', '0123456789abcdef0123456789abcdef', ...TYPES]);
    case 2:
      return r.chance(0.5);
    case 3:
      return null;
    case 4:
      return r.text(30);
    case 5:
    case 6: {
      const obj: Record<string, unknown> = {};
      const n = r.below(6);
      if (depth === 0 || r.chance(0.3)) obj['type'] = r.pick(TYPES);
      for (let i = 0; i < n; i++) {
        Object.defineProperty(obj, r.pick(KEYS), { value: randomJson(r, depth + 1), enumerable: true, writable: true, configurable: true });
      }
      return obj;
    }
    default:
      return Array.from({ length: r.below(5) }, () => randomJson(r, depth + 1));
  }
}

type Node = Record<string, unknown> | unknown[];
interface Place {
  parent: Node;
  key: string | number;
  /** Key in its object that may be left out (so deleting it is not known to be invalid). */
  optional: boolean;
}

/** Every value below the root, with its place; and every object, root included. */
function walk(root: Record<string, unknown>): { places: Place[]; objects: Record<string, unknown>[] } {
  const places: Place[] = [];
  const objects: Record<string, unknown>[] = [];
  const visit = (node: unknown, optionalKeys: boolean) => {
    if (Array.isArray(node)) {
      node.forEach((child, i) => {
        places.push({ parent: node, key: i, optional: false });
        visit(child, false);
      });
    } else if (typeof node === 'object' && node !== null) {
      const obj = node as Record<string, unknown>;
      objects.push(obj);
      for (const key of Object.keys(obj)) {
        // Optional: the settings of an update-settings, and a room state's match.
        const isUpdateSettings = key === 'settings' && obj['type'] === 'update-settings';
        places.push({ parent: obj, key, optional: optionalKeys || key === 'match' && !('matchId' in obj) && 'phase' in obj });
        visit(obj[key], isUpdateSettings);
      }
    }
  };
  visit(root, false);
  return { places, objects };
}

function set(place: Place, value: unknown): void {
  if (Array.isArray(place.parent)) place.parent[place.key as number] = value;
  else Object.defineProperty(place.parent, place.key, { value, enumerable: true, writable: true, configurable: true });
}

function jsonKind(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

/** A value of another JSON kind than `v`. */
function otherKind(r: FixtureRandom, v: unknown): unknown {
  const options: unknown[] = [7, 'seven', true, null, { a: 1 }, [1, 2], {}, []];
  for (;;) {
    const pick = r.pick(options);
    if (jsonKind(pick) !== jsonKind(v)) return pick;
  }
}

/** Breaks a valid message in a way that makes it invalid whatever it was; returns what was done. */
function breakMessage(r: FixtureRandom, message: Record<string, unknown>): string {
  const { places, objects } = walk(message);
  for (;;) {
    switch (r.below(5)) {
      case 0: {
        const obj = r.pick(objects);
        const key = r.pick(UNKNOWN_KEYS);
        Object.defineProperty(obj, key, { value: randomJson(r, 3), enumerable: true, writable: true, configurable: true });
        return `added ${key}`;
      }
      case 1: {
        if (places.length === 0) continue;
        const place = r.pick(places);
        set(place, otherKind(r, (place.parent as Record<string, unknown>)[place.key as string]));
        return `retyped ${String(place.key)}`;
      }
      case 2: {
        const required = places.filter((p) => !Array.isArray(p.parent) && !p.optional);
        const place = r.pick(required);
        delete (place.parent as Record<string, unknown>)[place.key as string];
        return `deleted ${String(place.key)}`;
      }
      case 3: {
        const numbers = places.filter((p) => typeof (p.parent as Record<string, unknown>)[p.key as string] === 'number');
        if (numbers.length === 0) continue;
        const place = r.pick(numbers);
        set(place, r.pick([0.5, -2, 2 ** 32, 1e21, 4294967296.5, -1e300]));
        return `out of range ${String(place.key)}`;
      }
      default: {
        const strings = places.filter((p) => typeof (p.parent as Record<string, unknown>)[p.key as string] === 'string');
        if (strings.length === 0) continue;
        const place = r.pick(strings);
        // Invalid in any string field: a signal payload may be 1000 bytes long and hold line breaks;
        // a password (a handover's) may hold anything, up to 128 UTF-16 units.
        const bad =
          place.key === 'payload' ? ['a\u0000b', 'x'.repeat(1001), '\ud800', 'tab\there', '\u202e', 'é']
          : place.key === 'password' ? ['', 'x'.repeat(129), '😀'.repeat(65)]
          : ['a\u0000b', 'x'.repeat(300), '\ud800', 'line\nbreak', '\u202e'];
        set(place, r.pick(bad));
        return `bad string ${String(place.key)}`;
      }
    }
  }
}

function damage(r: FixtureRandom, bytes: Uint8Array): Uint8Array {
  let out = Uint8Array.from(bytes);
  const steps = r.between(1, 3);
  for (let s = 0; s < steps; s++) {
    const n = out.length;
    switch (r.below(5)) {
      case 0:
        if (n > 0) out[r.below(n)]! ^= 1 << r.below(8);
        break;
      case 1:
        out = out.slice(0, r.below(n + 1));
        break;
      case 2: {
        if (n === 0) break;
        // Replace one byte with a JSON-significant one: digits, quotes, braces, a minus sign.
        out[r.below(n)] = r.pick([0x30, 0x31, 0x39, 0x22, 0x7b, 0x7d, 0x5b, 0x5d, 0x2c, 0x3a, 0x2d, 0x2e, 0x65, 0x20]);
        break;
      }
      case 3: {
        const at = r.below(n + 1);
        const grown = new Uint8Array(n + 1);
        grown.set(out.subarray(0, at));
        grown[at] = r.below(256);
        grown.set(out.subarray(at), at + 1);
        out = grown;
        break;
      }
      default: {
        if (n < 2) break;
        const at = r.below(n - 1);
        out = Uint8Array.from([...out.subarray(0, at), ...out.subarray(at + 1)]);
      }
    }
  }
  return out;
}

describe('decodeControlMessage fuzz', () => {
  it('20,000 random and mutated inputs: never throws, refuses everything invalid, accepts only exact messages', () => {
    const r = new FixtureRandom(0xf022);
    const tally: Tally = { accepted: 0, refused: {} };
    const direction = (): ControlMessageSource | undefined => r.pick<ControlMessageSource | undefined>(['client', 'host', undefined]);

    for (let i = 0; i < RANDOM_BYTES; i++) {
      const bytes = new Uint8Array(r.below(300));
      for (let j = 0; j < bytes.length; j++) bytes[j] = r.chance(0.8) ? r.between(0x20, 0x7e) : r.below(256);
      if (r.chance(0.2) && bytes.length > 0) bytes[0] = 0x7b; // starts like an object
      check(tally, bytes, direction());
    }

    for (let i = 0; i < RANDOM_JSON; i++) check(tally, utf8(JSON.stringify(randomJson(r, 0)) ?? 'null'), direction());

    let broken = 0;
    for (let i = 0; i < BROKEN; i++) {
      const { message, from } = randomControlMessage(r);
      const copy = JSON.parse(JSON.stringify(message)) as Record<string, unknown>;
      const what = breakMessage(r, copy);
      const result = check(tally, utf8(JSON.stringify(copy)), from);
      if (result.ok) throw new Error(`accepted a broken message (${what}): ${JSON.stringify(copy)}`);
      broken++;
    }

    let damagedAccepted = 0;
    for (let i = 0; i < DAMAGED; i++) {
      const { message, from } = randomControlMessage(r);
      if (check(tally, damage(r, encodeControlMessage(message)), r.chance(0.5) ? from : undefined).ok) damagedAccepted++;
    }

    const total = RANDOM_BYTES + RANDOM_JSON + BROKEN + DAMAGED;
    const refused = Object.values(tally.refused).reduce((s, n) => s + n, 0);
    expect(total).toBe(20_000);
    expect(tally.accepted + refused).toBe(total);
    expect(broken).toBe(BROKEN);
    // The damaged inputs reach deep into validation: most are refused, some survive as other valid messages.
    expect(damagedAccepted).toBeGreaterThan(0);
    expect(Object.keys(tally.refused).length).toBeGreaterThanOrEqual(8);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted');
    console.info(`control fuzz: ${total} inputs, ${tally.accepted} accepted (${damagedAccepted} damaged), refused ${JSON.stringify(tally.refused)}`);
  });
});
