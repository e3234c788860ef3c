import { describe, expect, it } from 'vitest';
import { SessionRig } from '../helpers/session-rig.ts';
import { decodePacket } from '../../sdk/src/protocol/decode-packet.ts';
import { MessageType } from '../../sdk/src/protocol/messages.ts';
import { TimeSync } from '../../sdk/src/core/time-sync.ts';

/** `P2PSession.routeChanged`: a narrow reset of one peer's RTT and time-sync estimates. */
describe('P2PSession.routeChanged', () => {
  const profile = { rttMs: 100, jitterMs: 0, loss: 0, duplicate: 0, reorder: 0 };

  it('forgets the RTT at once, sends 6 route probes 100 ms apart, and touches no frame or input', () => {
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
    // 6 probes (the first at once), then the regular report a second after the last probe.
    expect(reports).toHaveLength(6);
    expect(a!.session.peerStats(1).rttMs).toBeGreaterThan(90);
    expect(rig.checksumAgreement().mismatches).toEqual([]);
    for (const peer of [a!, b!]) expect(peer.events.filter((e) => e.type === 'desync' || e.type === 'disconnected')).toEqual([]);
  });

  it('poll takes the route changes the transport reports (a stranger’s and a dropped peer’s are ignored)', () => {
    const rig = new SessionRig({ players: 3, profile });
    rig.ticks(180);
    const [a] = rig.peers;
    expect(a!.session.peerStats(1).rttMs).toBeGreaterThan(90);
    expect(a!.session.peerStats(2).rttMs).toBeGreaterThan(90);
    a!.transport.routeChanges.push('p2', 'stranger', 'p0');
    a!.session.poll(rig.clock.now());
    expect(a!.session.peerStats(2).rttMs).toBe(0);
    expect(a!.session.peerStats(1).rttMs).toBeGreaterThan(90);
    expect(a!.transport.routeChanges).toEqual([]);
    rig.ticks(60);
    expect(a!.session.peerStats(2).rttMs).toBeGreaterThan(90);
    expect(rig.checksumAgreement().mismatches).toEqual([]);
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

describe('TimeSync.restart', () => {
  it('drops both estimates (no correction until new ones exist) but keeps reporting the last local mean', () => {
    const sync = new TimeSync(4);
    for (let i = 0; i < 4; i++) sync.addLocalSample(3);
    sync.setRemoteAdvantage(-1);
    expect(sync.framesAhead).toBe(2);
    sync.restart();
    expect(sync.framesAhead).toBe(0);
    expect(sync.localAdvantage).toBe(3); // what the next quality report says until new samples exist
    expect(sync.remoteAdvantage).toBe(0);
    sync.addLocalSample(1);
    expect(sync.localAdvantage).toBe(1);
    expect(sync.framesAhead).toBe(0); // still no remote estimate
    sync.setRemoteAdvantage(-1);
    expect(sync.framesAhead).toBe(1);
  });
});
