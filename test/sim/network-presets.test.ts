import { describe, expect, it } from 'vitest';
import { NETWORK_PRESETS } from '../../sdk/src/sim/network-presets.ts';
import { loadNetworkProfiles } from '../../sdk/src/sim/load-network-profiles.ts';
import { parseNetworkProfile } from '../../sdk/src/sim/network-profile.ts';
import * as backspinSim from '../../sdk/src/sim.ts';

describe('the network presets shipped in the SDK', () => {
  it('are exactly the shared network-profiles.json, name for name and value for value', () => {
    const { profiles } = loadNetworkProfiles();
    expect(Object.keys(NETWORK_PRESETS).sort()).toEqual(Object.keys(profiles).sort());
    for (const [name, preset] of Object.entries(NETWORK_PRESETS)) expect(preset, name).toEqual(profiles[name]);
  });

  it('each passes the profile checks, and the package exports them', () => {
    for (const [name, preset] of Object.entries(NETWORK_PRESETS)) expect(parseNetworkProfile(preset, name)).toEqual(preset);
    expect(backspinSim.NETWORK_PRESETS).toBe(NETWORK_PRESETS);
  });
});
