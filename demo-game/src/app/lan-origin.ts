/**
 * Where the host tells its pages the addresses other devices reach it at (the SDK's
 * `LAN_URLS_PATH`, sdk/src/host/lan-urls.ts; `npm run dev` passes it on to the host).
 */
const LAN_URLS_PATH = '/.backspin/lan-urls.json';

let loading: Promise<string> | undefined;
let known: string | undefined;

/** Whether `hostname` means "this machine" (to a phone, its own). */
function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || hostname.startsWith('127.') || hostname.endsWith('.localhost');
}

/**
 * The page's address as other devices at the party can open it: the page's own, unless it was
 * opened through `localhost` (as the host player does, from the first line the host prints); then
 * the same page at the host's first LAN address, which the host tells (the port stays the page's:
 * under `npm run dev` that is Vite's). Stays `localhost` only when the host knows no LAN address.
 */
export function loadShareableOrigin(loc: Location = window.location): Promise<string> {
  loading ??= (async () => {
    if (!isLoopback(loc.hostname)) return (known = loc.href);
    try {
      const response = await fetch(LAN_URLS_PATH, { cache: 'no-store' });
      const { urls } = (await response.json()) as { urls?: unknown };
      const first = Array.isArray(urls) && typeof urls[0] === 'string' ? new URL(urls[0]) : undefined;
      if (first === undefined) return (known = loc.href);
      const url = new URL(loc.href);
      url.hostname = first.hostname;
      return (known = url.toString());
    } catch {
      return (known = loc.href); // a host without the route (an older one): the page's own address
    }
  })();
  return loading;
}

/** The shareable address if {@link loadShareableOrigin} has settled, else the page's own. */
export function shareableOrigin(loc: Location = window.location): string {
  return known ?? loc.href;
}

/** Whether the shareable address still means this machine only (the host found no LAN address). */
export function onlyThisMachine(loc: Location = window.location): boolean {
  return isLoopback(new URL(shareableOrigin(loc)).hostname);
}
