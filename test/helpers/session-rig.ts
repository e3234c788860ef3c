import { P2PSession } from '../../sdk/src/core/p2p-session.ts';
import type { P2PSessionConfig } from '../../sdk/src/core/session-config.ts';
import { bytesInputCodec } from '../../sdk/src/core/input-codec.ts';
import type { Game } from '../../sdk/src/core/game.ts';
import type { Datagram, PeerAddress, Transport } from '../../sdk/src/transport/transport.ts';
import { SimulatedNetwork } from '../../sdk/src/sim/simulated-network.ts';
import type { NetworkProfile } from '../../sdk/src/sim/network-profile.ts';
import { VirtualClock } from '../../sdk/src/sim/virtual-clock.ts';
import { TestGame } from '../../sdk/src/testing/test-game.ts';
import type { SessionEvent } from '../../sdk/src/core/session-events.ts';
import { compareChecksums } from '../../sdk/src/sim/compare-checksums.ts';

/** A transport that also hands out datagrams a test slips in, as if they came off the wire. */
export class InjectingTransport implements Transport {
  private readonly injected: Datagram[] = [];
  readonly sent: { to: PeerAddress; data: Uint8Array }[] = [];
  recordSends = false;
  /** Route changes the next `drainRouteChanges` reports, as a routed transport would. */
  readonly routeChanges: PeerAddress[] = [];
  constructor(private readonly inner: Transport) {}
  drainRouteChanges(): readonly { readonly peer: PeerAddress }[] {
    return this.routeChanges.splice(0).map((peer) => ({ peer }));
  }
  inject(from: PeerAddress, data: Uint8Array): void {
    this.injected.push({ from, data });
  }
  send(to: PeerAddress, data: Uint8Array): void {
    if (this.recordSends) this.sent.push({ to, data: data.slice() });
    this.inner.send(to, data);
  }
  receive(): readonly Datagram[] {
    const real = this.inner.receive();
    if (this.injected.length === 0) return real;
    const all = [...real, ...this.injected];
    this.injected.length = 0;
    return all;
  }
}

export type RigGame = Game<Uint8Array, Int32Array>;

export interface RigPeer {
  readonly session: P2PSession<Uint8Array, Int32Array>;
  readonly game: RigGame;
  readonly transport: InjectingTransport;
  readonly address: string;
  readonly events: SessionEvent[];
  readonly checksums: Map<number, number>;
  input: Uint8Array;
  alive: boolean;
}

export interface RigOptions {
  players: number;
  profile?: NetworkProfile;
  seed?: number;
  session?: Partial<P2PSessionConfig<Uint8Array, Int32Array>>;
  /** Per-player overrides (e.g. another input size to test incompatibility). */
  perPlayer?: (player: number) => Partial<P2PSessionConfig<Uint8Array, Int32Array>>;
  game?: (player: number) => RigGame;
}

/** N sessions over one simulated network, stepped together at 60 Hz in virtual time. */
export class SessionRig {
  readonly clock = new VirtualClock();
  readonly network: SimulatedNetwork;
  readonly peers: RigPeer[] = [];
  readonly frameMs = 1000 / 60;

  constructor(options: RigOptions) {
    this.network = new SimulatedNetwork({ seed: options.seed ?? 1, clock: this.clock, ...(options.profile ? { profile: options.profile } : {}) });
    const addresses = Array.from({ length: options.players }, (_, i) => `p${i}`);
    for (let p = 0; p < options.players; p++) {
      const transport = new InjectingTransport(this.network.endpoint(addresses[p]!));
      const game = options.game?.(p) ?? new TestGame(options.players);
      const checksums = new Map<number, number>();
      const session = new P2PSession<Uint8Array, Int32Array>({
        players: addresses.map((address, h) => (h === p ? { kind: 'local' as const } : { kind: 'remote' as const, address })),
        game,
        transport,
        input: bytesInputCodec(2),
        seed: (options.seed ?? 1) * 100 + p,
        checksumIntervalFrames: 10,
        onChecksum: (frame, checksum) => checksums.set(frame, checksum),
        ...options.session,
        ...options.perPlayer?.(p),
      });
      this.peers.push({ session, game, transport, address: addresses[p]!, events: [], checksums, input: new Uint8Array(2), alive: true });
    }
  }

  /** One 60 Hz tick for every live peer: poll, then advance one frame. */
  tick(): void {
    this.clock.advance(this.frameMs);
    for (const peer of this.peers) {
      if (!peer.alive) continue;
      peer.session.poll(this.clock.now());
      peer.session.advanceFrame(peer.input);
      peer.events.push(...peer.session.events());
    }
  }

  ticks(n: number, each?: (tick: number) => void): void {
    for (let i = 0; i < n; i++) {
      each?.(i);
      this.tick();
    }
  }

  kill(player: number): void {
    this.peers[player]!.alive = false;
    this.network.kill(this.peers[player]!.address);
  }

  /** Frames checksummed by 2+ live-or-dead peers and whether all agree. */
  checksumAgreement(): { compared: number; mismatches: number[] } {
    const { framesCompared, mismatchedFrames } = compareChecksums(this.peers.map((p) => p.checksums));
    return { compared: framesCompared, mismatches: [...mismatchedFrames] };
  }
}
