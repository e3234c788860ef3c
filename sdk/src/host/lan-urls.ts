import { lanAddresses } from './lan-addresses.ts';

/**
 * Where a host's pages ask for the addresses other devices reach it at (GET, JSON
 * `{ "urls": ["http://192.168.1.20:8080/"] }`). A page opened through `localhost` on the host
 * machine cannot find them itself (browsers hide local addresses), yet its join link and QR code
 * are for phones and other machines, to which `localhost` means themselves.
 */
export const LAN_URLS_PATH = '/.backspin/lan-urls.json';

/**
 * The addresses other machines reach a host at, as page URLs: every LAN address when it listens on
 * all interfaces (`0.0.0.0`), none on loopback, else the one address it is bound to. Read when
 * asked, not at start: a laptop may join the party's Wi-Fi after the host started.
 */
export function lanUrls(bind: string, port: number, addresses: () => string[] = lanAddresses): string[] {
  if (bind === '0.0.0.0') return addresses().map((ip) => urlOf(ip, port));
  if (bind === 'localhost' || bind === '::1' || bind.startsWith('127.')) return [];
  return [urlOf(bind, port)];
}

/** `http://ip:port/`, with an IPv6 address in brackets. */
export function urlOf(ip: string, port: number): string {
  return `http://${ip.includes(':') ? `[${ip}]` : ip}:${port}/`;
}
