/**
 * The first look at a signaling request (`/.wrtc/v2/...`, the routes geckos.io's client calls),
 * before a byte of its body is read: which route it is, whether its method fits, whether its
 * declared body is small enough, and whether a web page of another origin sent it. Pure: the
 * host adapter (`geckos-host.ts`) acts on the answer.
 *
 * Why each rule:
 * - A body is read only when its `Content-Length` says it fits: a 200 MB POST once blocked the
 *   host's event loop for 5.8 s, and Node never delivers more body than the declared length. A
 *   chunked body, whose length is unknown until it ends, is refused (411).
 * - A request from another origin is refused (403): a page a LAN guest opens elsewhere must not be
 *   able to drive the host through the guest's browser. Browsers send `Origin` on every POST and
 *   on cross-origin GETs; a client outside a browser (Node) sends none and is let through.
 */

/** The signaling routes under {@link SIGNALING_PREFIX}. */
export const SignalingRoute = {
  /** POST: create a WebRTC connection (join or create a room); the `Authorization` header is the request. */
  Connect: 'connect',
  /** POST: the client's SDP answer, a small JSON body. */
  RemoteDescription: 'remote-description',
  /** GET: the host's ICE candidates gathered since the last call. */
  AdditionalCandidates: 'additional-candidates',
  /** POST: the client closes its connection. */
  Close: 'close',
} as const;
export type SignalingRoute = (typeof SignalingRoute)[keyof typeof SignalingRoute];

/** Where geckos.io's client sends its signaling requests. */
export const SIGNALING_PREFIX = '/.wrtc/v2';

/**
 * Largest signaling body (bytes). The only body is an SDP answer: about 500 bytes from Chromium or
 * libdatachannel with one data channel, a few KB with many candidates; 16 KiB leaves room for
 * any of them.
 */
export const MAX_SIGNALING_BODY_BYTES = 16 * 1024;

/** Length of a connection id (letters and digits), as geckos.io's client expects it. */
export const CONNECTION_ID_LENGTH = 24;

/** What the adapter needs of an incoming request (Node's `IncomingMessage` fits). */
export interface SignalingRequestHead {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

export type SignalingCheck =
  | { readonly ok: true; readonly route: SignalingRoute; readonly id: string | undefined; readonly bodyBytes: number }
  | { readonly ok: false; readonly status: number; readonly reason: string; readonly allow?: string };

const ROUTE_METHOD: Readonly<Record<SignalingRoute, string>> = {
  connect: 'POST',
  'remote-description': 'POST',
  'additional-candidates': 'GET',
  close: 'POST',
};

const CONNECTIONS = `${SIGNALING_PREFIX}/connections`;
const WITH_ID = new RegExp(`^${CONNECTIONS.replace(/\./g, '\\.')}/([0-9a-zA-Z]{${CONNECTION_ID_LENGTH}})/(remote-description|additional-candidates|close)$`);

/** Whether a request is for the signaling routes at all (the rest is the game's static files). */
export function isSignalingPath(url: string | undefined): boolean {
  return url !== undefined && (url === SIGNALING_PREFIX || url.startsWith(`${SIGNALING_PREFIX}/`));
}

/**
 * Checks a signaling request's method, route, body length and origin. `OPTIONS` (a CORS preflight)
 * is answered 403 like any other cross-origin request: the host's own page never needs one.
 */
export function checkSignalingRequest(request: SignalingRequestHead): SignalingCheck {
  const path = (request.url ?? '').split('?', 1)[0]!;
  let route: SignalingRoute | undefined;
  let id: string | undefined;
  if (path === CONNECTIONS) {
    route = SignalingRoute.Connect;
  } else {
    const match = WITH_ID.exec(path);
    if (match !== null) {
      id = match[1]!;
      route = match[2] as SignalingRoute;
    }
  }
  if (route === undefined) return { ok: false, status: 404, reason: 'no-such-route' };

  if (!sameOrigin(request.headers)) return { ok: false, status: 403, reason: 'cross-origin' };
  const method = ROUTE_METHOD[route];
  if (request.method !== method) return { ok: false, status: 405, reason: 'method', allow: method };

  const headers = request.headers;
  const declared = header(headers, 'content-length');
  if (declared === undefined && header(headers, 'transfer-encoding') !== undefined) {
    return { ok: false, status: 411, reason: 'length-required' };
  }
  const bodyBytes = declared === undefined ? 0 : /^\d{1,15}$/.test(declared) ? Number(declared) : NaN;
  if (Number.isNaN(bodyBytes)) return { ok: false, status: 400, reason: 'bad-length' };
  // Only the SDP answer has a body; geckos' client sends an empty JSON type header on the others.
  const limit = route === SignalingRoute.RemoteDescription ? MAX_SIGNALING_BODY_BYTES : 0;
  if (bodyBytes > limit) return { ok: false, status: 413, reason: 'too-large' };
  return { ok: true, route, id, bodyBytes };
}

/**
 * True when the request carries no `Origin` (not a browser, or a same-origin GET) or an origin
 * whose host part is the host the request was sent to (the page the host served, or the dev server
 * that proxies to it).
 */
function sameOrigin(headers: SignalingRequestHead['headers']): boolean {
  const origin = header(headers, 'origin');
  if (origin === undefined) return true;
  const host = header(headers, 'host');
  if (host === undefined) return false;
  let originHost: string;
  try {
    const url = new URL(origin);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    originHost = url.host;
  } catch {
    return false; // 'null' (a sandboxed frame, a file: page) or garbage
  }
  return originHost.toLowerCase() === host.toLowerCase();
}

function header(headers: SignalingRequestHead['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
