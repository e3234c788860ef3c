import { describe, expect, it } from 'vitest';
import { RelayRig } from '../helpers/relay-rig.ts';
import type { RigMember } from '../helpers/relay-rig.ts';
import { HandMember, advanceWith } from './hand-member.ts';
import { ReliableChannel } from '../../sdk/src/relay/reliable-channel.ts';
import { encodeControlFrame } from '../../sdk/src/relay/relay-frame.ts';
import { encodeResumeMarker } from '../../sdk/src/relay/resume-marker.ts';
import { encodeControlMessage } from '../../sdk/src/room/control-messages.ts';

/**
 * A member's control requests across a reconnect (issue 8, fault 8): what the host had not
 * acknowledged when the connection died reaches it on the next connection, exactly once and in
 * order, whether the host had it already (only the acknowledgement was lost) or not.
 */

const chats = (m: RigMember) => RelayRig.eventsOf(m, 'chat').map((e) => e.text);

/** A lobby: ann (the rig's own member, the owner) and bo (by hand, so that it can reconnect with its client). */
function lobby() {
  const rig = new RelayRig();
  const ann = rig.create('ann');
  const bo = HandMember.connect(rig, { action: 'join', code: ann.binding.code, name: 'bo', role: 'player' });
  advanceWith(rig, [bo], 100);
  expect(bo.client.room?.members).toHaveLength(2);
  return { rig, ann, bo, step: (ms: number) => advanceWith(rig, [bo], ms) };
}

describe('control requests across a reconnect', () => {
  it('requests the host never received arrive once, in order, on the next connection', () => {
    const { rig, ann, bo, step } = lobby();
    bo.dropUplink = true;
    bo.client.chat('one');
    bo.client.setReady(true);
    bo.client.chat('two');
    step(300);
    bo.lose();
    bo.client.chat('three'); // made while detached from a dead channel
    bo.dropUplink = false;
    bo.reconnect();
    step(300);
    expect(chats(ann)).toEqual(['one', 'two', 'three']);
    expect(ann.client!.room?.members.find((m) => m.slot === bo.binding.slot)?.ready).toBe(true);
    expect(rig.host.stats().resentSkipped).toBe(0);
  });

  it('requests the host acted on, whose acknowledgement was lost, are not acted on twice', () => {
    const { rig, ann, bo, step } = lobby();
    bo.dropDownlink = true; // the host hears bo, bo hears nothing back
    bo.client.chat('one');
    bo.client.chat('two');
    step(300);
    expect(chats(ann)).toEqual(['one', 'two']);
    bo.lose();
    bo.dropDownlink = false;
    bo.reconnect();
    bo.client.chat('three');
    step(300);
    expect(chats(ann)).toEqual(['one', 'two', 'three']);
    expect(bo.eventsOf('chat').map((e) => e.text)).toEqual(['three']); // one and two's echoes were lost with the connection
    expect(rig.host.stats().resentSkipped).toBe(2);
  });

  it('one lost, one held out of order (SACKed) by the old channel, one made while away; two reconnects in a row', () => {
    const { rig, ann, bo, step } = lobby();
    bo.client.chat('first');
    step(50);
    bo.dropNextUplink = 1;
    bo.client.chat('lost');
    bo.client.chat('held, SACKed');
    bo.dropUplink = true; // from here on the resends of 'lost' are lost too
    step(200);
    expect(chats(ann)).toEqual(['first']);
    bo.lose();
    bo.client.chat('while away');
    // The first reconnect dies before anything gets through; the second carries everything.
    bo.reconnect();
    step(100);
    bo.lose();
    bo.dropUplink = false;
    bo.reconnect();
    step(300);
    expect(chats(ann)).toEqual(['first', 'lost', 'held, SACKed', 'while away']);
    expect(rig.host.stats().resentSkipped).toBe(0);
    // And the channel goes on as usual afterwards.
    bo.client.chat('after');
    step(100);
    expect(chats(ann).at(-1)).toBe('after');
  });

  it('a new client coming back with the token (a reloaded page) has all its requests acted on', () => {
    const { rig, ann, bo, step } = lobby();
    bo.client.chat('before');
    step(100);
    bo.lose();
    const back = rig.authorize({ action: 'join', code: bo.binding.code, name: '', role: 'player', token: bo.binding.token });
    if (!back.ok) throw new Error(back.error);
    const fresh = rig.open(back.binding);
    fresh.client!.chat('after reload');
    rig.advance(100);
    expect(chats(ann)).toEqual(['before', 'after reload']);
    expect(rig.host.stats().resentSkipped).toBe(0);
  });

  it('a resume marker counts only as a connection’s first message; a member may only skip its own requests', () => {
    const { rig, ann } = lobby();
    const raw = rig.join(ann.binding.code, 'raw', 'player', { raw: true });
    const channel = new ReliableChannel({ maxMessageBytes: 8192 });
    const send = (message: Uint8Array) => {
      channel.send(message);
      for (const s of channel.poll(rig.nowMs)) rig.sendRaw(raw, encodeControlFrame(s));
    };
    // A marker claiming the host has had more than it has: the member's own next requests are acted on.
    send(encodeResumeMarker(1000));
    send(encodeControlMessage({ type: 'chat', text: 'x' }));
    send(encodeResumeMarker(0)); // not first: a bad control message
    send(encodeControlMessage({ type: 'chat', text: 'y' }));
    rig.advance(50);
    expect(chats(ann)).toEqual(['x', 'y']);
    expect(rig.host.stats().dropped['bad-control']).toBe(1);
  });
});
