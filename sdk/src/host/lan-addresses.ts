import { networkInterfaces } from 'node:os';

/** This machine's IPv4 addresses that other machines on the LAN can reach (not loopback). */
export function lanAddresses(): string[] {
  const found: string[] = [];
  for (const entries of Object.values(networkInterfaces())) {
    for (const entry of entries ?? []) {
      if (entry.family === 'IPv4' && !entry.internal) found.push(entry.address);
    }
  }
  return found;
}
