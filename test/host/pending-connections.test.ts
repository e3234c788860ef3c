import { describe, expect, it } from 'vitest';
import { PendingConnections } from '../../sdk/src/host/pending-connections.ts';

describe('PendingConnections', () => {
  it('caps connections in signaling per address and in all', () => {
    const p = new PendingConnections({ maxPerAddress: 2, maxTotal: 3 });
    expect(p.check('a')).toBeUndefined();
    p.add('1', 'a', 0);
    p.add('2', 'a', 0);
    expect(p.check('a')).toBe('address-busy');
    expect(p.check('b')).toBeUndefined();
    p.add('3', 'b', 0);
    expect(p.check('c')).toBe('host-busy');
    p.remove('1');
    expect(p.check('a')).toBeUndefined();
    expect(p.size).toBe(2);
  });

  it('reclaims what has not opened by its deadline, once, and forgets opened ones', () => {
    const p = new PendingConnections({ openTimeoutMs: 1000 });
    p.add('1', 'a', 0);
    p.add('2', 'a', 500);
    p.add('3', 'b', 600);
    p.remove('3'); // opened
    expect(p.expired(999)).toEqual([]);
    expect(p.expired(1000)).toEqual(['1']);
    expect(p.expired(1000)).toEqual([]);
    expect(p.expired(5000)).toEqual(['2']);
    expect(p.size).toBe(0);
    expect(p.check('a')).toBeUndefined();
  });

  it('refuses nonsense limits', () => {
    expect(() => new PendingConnections({ maxPerAddress: 0 })).toThrow(/maxPerAddress/);
    expect(() => new PendingConnections({ maxTotal: 1.5 })).toThrow(/maxTotal/);
    expect(() => new PendingConnections({ openTimeoutMs: Number.NaN })).toThrow(/openTimeoutMs/);
  });
});
