/** Where this page finds the Backspin host (signaling and relay): `url` without port, and `port`. */
export interface HostAddress {
  readonly url: string;
  readonly port: number;
}

/**
 * The host that served this page, which is where the rooms are: `npm start` serves the game and
 * the rooms on one port, and under `npm run dev` Vite's server passes the signaling requests on
 * to the host, so the page's own origin is right in both cases.
 */
export function hostAddress(loc: Location = window.location): HostAddress {
  const url = `${loc.protocol}//${loc.hostname}`;
  const port = loc.port !== '' ? Number(loc.port) : loc.protocol === 'https:' ? 443 : 80;
  return { url, port };
}
