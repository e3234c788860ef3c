import { parseNetworkProfiles } from 'backspin/sim';
import type { NetworkProfiles } from 'backspin/sim';

let loading: Promise<NetworkProfiles | string> | undefined;

/**
 * The standard network profiles, fetched from `network-profiles.json` next to the page (the build
 * ships `../shared/network-profiles.json` there). Resolves to the profiles, or to a message saying
 * why there are none, which the title screen shows instead of the simulator's choices.
 */
export function loadBrowserNetworkProfiles(): Promise<NetworkProfiles | string> {
  loading ??= (async () => {
    try {
      const response = await fetch('./network-profiles.json', { cache: 'no-cache' });
      if (!response.ok) return `network-profiles.json is missing (HTTP ${response.status}); rebuild with ../shared/network-profiles.json in place`;
      return parseNetworkProfiles(await response.json());
    } catch (error) {
      return `network-profiles.json could not be read: ${(error as Error).message}`;
    }
  })();
  return loading;
}
