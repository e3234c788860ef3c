import { describe, expect, it } from 'vitest';
import { MAX_SIGNALING_BODY_BYTES, checkSignalingRequest, isSignalingPath } from '../../sdk/src/host/signaling-request.ts';

const ID = 'AbCdEfGhIjKlMnOpQrStUv12';
const HOST = '192.168.1.20:8080';

function check(method: string, url: string, headers: Record<string, string> = {}) {
  return checkSignalingRequest({ method, url, headers: { host: HOST, ...headers } });
}

describe('signaling request checks', () => {
  it('accepts the four routes geckos.io client calls, each with its method', () => {
    expect(check('POST', '/.wrtc/v2/connections')).toMatchObject({ ok: true, route: 'connect', id: undefined, bodyBytes: 0 });
    expect(check('POST', `/.wrtc/v2/connections/${ID}/remote-description`, { 'content-length': '512' })).toMatchObject({ ok: true, route: 'remote-description', id: ID, bodyBytes: 512 });
    expect(check('GET', `/.wrtc/v2/connections/${ID}/additional-candidates`)).toMatchObject({ ok: true, route: 'additional-candidates', id: ID });
    expect(check('POST', `/.wrtc/v2/connections/${ID}/close`)).toMatchObject({ ok: true, route: 'close', id: ID });
  });

  it('tells signaling paths from the game files', () => {
    expect(isSignalingPath('/.wrtc/v2/connections')).toBe(true);
    expect(isSignalingPath('/.wrtc/v2')).toBe(true);
    expect(isSignalingPath('/index.html')).toBe(false);
    expect(isSignalingPath('/.wrtc/v2x')).toBe(false);
    expect(isSignalingPath(undefined)).toBe(false);
  });

  it.each([
    ['/.wrtc/v2/connections/short/close', 404],
    [`/.wrtc/v2/connections/${ID}x/close`, 404],
    [`/.wrtc/v2/connections/${ID.slice(0, 23)}-/close`, 404],
    [`/.wrtc/v2/connections/${ID}/other`, 404],
    ['/.wrtc/v2/', 404],
    ['/.wrtc/v2/connections/../connections', 404],
  ])('refuses %s with %i', (url, status) => {
    expect(check('POST', url)).toMatchObject({ ok: false, status });
  });

  it('refuses a wrong method with 405 and says which one fits', () => {
    expect(check('GET', '/.wrtc/v2/connections')).toEqual({ ok: false, status: 405, reason: 'method', allow: 'POST' });
    expect(check('PUT', `/.wrtc/v2/connections/${ID}/remote-description`)).toMatchObject({ status: 405, allow: 'POST' });
    expect(check('POST', `/.wrtc/v2/connections/${ID}/additional-candidates`)).toMatchObject({ status: 405, allow: 'GET' });
    expect(check('OPTIONS', '/.wrtc/v2/connections')).toMatchObject({ status: 405 });
  });

  it('reads no body larger than an SDP answer can be, and none where none belongs', () => {
    const rd = `/.wrtc/v2/connections/${ID}/remote-description`;
    expect(check('POST', rd, { 'content-length': String(MAX_SIGNALING_BODY_BYTES) })).toMatchObject({ ok: true });
    expect(check('POST', rd, { 'content-length': String(MAX_SIGNALING_BODY_BYTES + 1) })).toMatchObject({ ok: false, status: 413 });
    expect(check('POST', rd, { 'content-length': '200000000' })).toMatchObject({ ok: false, status: 413 });
    expect(check('POST', '/.wrtc/v2/connections', { 'content-length': '10' })).toMatchObject({ ok: false, status: 413 });
    expect(check('POST', rd, { 'transfer-encoding': 'chunked' })).toMatchObject({ ok: false, status: 411 });
    expect(check('POST', rd, { 'content-length': '-1' })).toMatchObject({ ok: false, status: 400 });
    expect(check('POST', rd, { 'content-length': '1e3' })).toMatchObject({ ok: false, status: 400 });
  });

  it('refuses a web page of another origin, and lets the host page, its dev proxy and non-browsers through', () => {
    expect(check('POST', '/.wrtc/v2/connections', { origin: 'http://evil.example' })).toMatchObject({ ok: false, status: 403, reason: 'cross-origin' });
    expect(check('POST', '/.wrtc/v2/connections', { origin: 'http://192.168.1.20:9999' })).toMatchObject({ ok: false, status: 403 });
    expect(check('POST', '/.wrtc/v2/connections', { origin: 'null' })).toMatchObject({ ok: false, status: 403 });
    expect(check('POST', '/.wrtc/v2/connections', { origin: 'file:///x' })).toMatchObject({ ok: false, status: 403 });
    expect(check('POST', '/.wrtc/v2/connections', { origin: `http://${HOST}` })).toMatchObject({ ok: true });
    expect(check('POST', '/.wrtc/v2/connections', { origin: 'HTTP://192.168.1.20:8080' })).toMatchObject({ ok: true });
    expect(check('POST', '/.wrtc/v2/connections')).toMatchObject({ ok: true });
    // A request with an Origin and no Host cannot be matched: refused.
    expect(checkSignalingRequest({ method: 'POST', url: '/.wrtc/v2/connections', headers: { origin: 'http://a' } })).toMatchObject({ ok: false, status: 403 });
  });
});
