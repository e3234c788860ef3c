import { describe, expect, it } from 'vitest';
import { RelayRig } from '../helpers/relay-rig.ts';
import { HandMember, advanceWith } from './hand-member.ts';
import { MAX_RELAY_FRAME_BYTES } from '../../sdk/src/relay/relay-frame.ts';
import { MAX_CHAT_LENGTH } from '../../sdk/src/room/control-messages.ts';

/** A chat line of the longest kind: 200 four-byte characters (825 bytes as a message). */
const longLine = (i: number) => String.fromCodePoint(0x1f600 + i).repeat(MAX_CHAT_LENGTH);

/**
 * A member's control messages after its uplink lost everything for a while: the resends gather
 * several long messages, and every frame they go in must still be one the host accepts (issue 8,
 * fault 6: a 1,289-byte resend was dropped 16 times in 16 s, and the control path wedged).
 */
describe('member control messages after uplink loss', () => {
  it('long chat lines all arrive, in order, once the uplink comes back after 400 ms of loss', () => {
    const rig = new RelayRig();
    const ann = rig.create('ann');
    const bo = HandMember.connect(rig, { action: 'join', code: ann.binding.code, name: 'bo', role: 'player' });
    advanceWith(rig, [bo], 100);
    expect(bo.client.room?.members).toHaveLength(2);
    const lines = [0, 1, 2, 3, 4].map(longLine);
    bo.dropUplink = true;
    for (const line of lines) bo.client.chat(line);
    advanceWith(rig, [bo], 400);
    bo.dropUplink = false;
    advanceWith(rig, [bo], 3000);
    expect(RelayRig.eventsOf(ann, 'chat').map((e) => e.text)).toEqual(lines);
    expect(bo.eventsOf('chat').map((e) => e.text)).toEqual(lines);
    expect(rig.host.stats().dropped.oversized).toBe(0);
    expect(Math.max(...bo.frameSizes)).toBeLessThanOrEqual(MAX_RELAY_FRAME_BYTES);
    expect(bo.frameSizes.filter((n) => n > 800).length).toBeGreaterThan(lines.length); // resends happened
    // And the control path is not wedged: a later request is acted on at once.
    bo.client.setReady(true);
    advanceWith(rig, [bo], 50);
    expect(ann.client!.room?.members.find((m) => m.slot === bo.binding.slot)?.ready).toBe(true);
  });
});
