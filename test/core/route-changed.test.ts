import { describe, expect, it } from 'vitest';
import { SessionRig } from '../helpers/session-rig.ts';
import { decodePacket } from '../../sdk/src/protocol/decode-packet.ts';
import { MessageType } from '../../sdk/src/protocol/messages.ts';

/** `P2PSession.routeChanged`: a narrow reset of one peer's RTT and time-sync estimates. */
describe('P2PSession.routeChanged', () => {
  const profile = { rttMs: 100, jitterMs: 0, loss: 0, duplicate: 0, reorder: 0 };

  it('forgets the RTT at once, sends 4 route probes 100 ms apart, and touches no frame or input', () => {
    const rig = new SessionRig({ players: 2, profile });
    rig.ticks(180);
    const [a, b] = rig.peers;
    const before = a!.session.peerStats(1);
    expect(before.rttMs).toBeGreaterThan(90);
    const frame = a!.session.currentFrame;
    const confirmed = a!.session.confirmedFrame;
    a!.session.routeChanged(1);
    expect(a!.session.peerStats(1).rttMs).toBe(0); // unknown until the new route's first answer
    expect(a!.session.currentFrame).toBe(frame);
    expect(a!.session.confirmedFrame).toBe(confirmed);
    a!.transport.recordSends = true;
    rig.ticks(60); // 1 s
    const reports = a!.transport.sent.filter((s) => {
      const decoded = decodePacket(s.data, { playerCount: 2, inputSize: 2, previousInput: () => undefined });
      return decoded.ok && decoded.packet.message.type === MessageType.QualityReport;
    });
    // 4 probes (the first at once), then the regular report a second after the last probe.
    expect(reports).toHaveLength(4);
    expect(a!.session.peerStats(1).rttMs).toBeGreaterThan(90);
    expect(rig.checksumAgreement().mismatches).toEqual([]);
    for (const peer of [a!, b!]) expect(peer.events.filter((e) => e.type === 'desync' || e.type === 'disconnected')).toEqual([]);
  });

  it('refuses the local handle and handles that do not exist; does nothing once ended', () => {
    const rig = new SessionRig({ players: 3, profile });
    rig.ticks(60);
    const session = rig.peers[0]!.session;
    expect(() => session.routeChanged(0)).toThrow(RangeError);
    expect(() => session.routeChanged(3)).toThrow(RangeError);
    expect(() => session.routeChanged(1.5)).toThrow(RangeError);
    session.leave();
    session.routeChanged(1);
    expect(session.peerStats(1).rttMs).toBeGreaterThan(0);
  });
});
