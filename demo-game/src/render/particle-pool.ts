import type Phaser from 'phaser';

/** How a particle is drawn. */
export const ParticleShape = {
  /** A filled disc that shrinks to nothing. */
  Dot: 0,
  /** A ring that grows from `size` by `grow` over its life: shockwaves, flashes. */
  Ring: 1,
  /** A streak along its velocity: sparks. */
  Streak: 2,
} as const;
export type ParticleShape = (typeof ParticleShape)[keyof typeof ParticleShape];

/**
 * A fixed pool of simple particles drawn with one Graphics object: struct-of-arrays storage made
 * once, so emitting, moving and drawing allocate nothing. When the pool is full, a new particle
 * replaces the oldest. Positions are world units (the arena's screen units), velocities units per
 * second, times ms.
 */
export class ParticlePool {
  private readonly graphics: Phaser.GameObjects.Graphics;
  private readonly x: Float32Array;
  private readonly y: Float32Array;
  private readonly vx: Float32Array;
  private readonly vy: Float32Array;
  /** Velocity kept per second (0..1): 1 coasts, 0.02 stops within a fraction of a second. */
  private readonly damping: Float32Array;
  /** Downward acceleration (units/s²), for confetti. */
  private readonly gravity: Float32Array;
  private readonly age: Float32Array;
  /** Lifetime (ms); 0 marks a free slot. */
  private readonly life: Float32Array;
  private readonly size: Float32Array;
  private readonly grow: Float32Array;
  private readonly alpha: Float32Array;
  private readonly color: Uint32Array;
  private readonly shape: Uint8Array;
  private cursor = 0;
  private alive = 0;

  constructor(scene: Phaser.Scene, readonly capacity: number, depth: number) {
    this.graphics = scene.add.graphics().setDepth(depth);
    // WebGL draws a circle as a polygon of up to 100 points merged where closer than this (px):
    // 3 px keeps small particles round to the eye at a fraction of the triangulation work.
    this.graphics.pathDetailThreshold = 3;
    this.x = new Float32Array(capacity);
    this.y = new Float32Array(capacity);
    this.vx = new Float32Array(capacity);
    this.vy = new Float32Array(capacity);
    this.damping = new Float32Array(capacity);
    this.gravity = new Float32Array(capacity);
    this.age = new Float32Array(capacity);
    this.life = new Float32Array(capacity);
    this.size = new Float32Array(capacity);
    this.grow = new Float32Array(capacity);
    this.alpha = new Float32Array(capacity);
    this.color = new Uint32Array(capacity);
    this.shape = new Uint8Array(capacity);
  }

  /** Particles alive now. */
  get live(): number {
    return this.alive;
  }

  /**
   * Adds one particle. `size` is the radius (Dot, Ring) or the streak's length per unit of speed
   * in seconds (Streak: length = speed × size); `grow` the radius a Ring gains over its life.
   */
  emit(shape: ParticleShape, x: number, y: number, vx: number, vy: number, lifeMs: number, size: number, color: number, alpha = 1, damping = 0.1, gravity = 0, grow = 0): void {
    const n = this.capacity;
    let slot = this.cursor;
    // The next free slot after the cursor, else the cursor's (the oldest, roughly).
    for (let tries = 0; tries < n && this.life[slot]! > 0; tries++) slot = (slot + 1) % n;
    if (this.life[slot] === 0) this.alive++;
    this.cursor = (slot + 1) % n;
    this.shape[slot] = shape;
    this.x[slot] = x;
    this.y[slot] = y;
    this.vx[slot] = vx;
    this.vy[slot] = vy;
    this.age[slot] = 0;
    this.life[slot] = Math.max(1, lifeMs);
    this.size[slot] = size;
    this.grow[slot] = grow;
    this.alpha[slot] = alpha;
    this.color[slot] = color;
    this.damping[slot] = damping;
    this.gravity[slot] = gravity;
  }

  /** Moves every particle on by `dtMs` and redraws them. */
  update(dtMs: number): void {
    const g = this.graphics;
    g.clear();
    if (this.alive === 0) return;
    const dt = Math.min(dtMs, 50) / 1000; // a long stall does not teleport sparks
    for (let i = 0; i < this.capacity; i++) {
      const life = this.life[i]!;
      if (life === 0) continue;
      const age = this.age[i]! + dtMs;
      if (age >= life) {
        this.life[i] = 0;
        this.alive--;
        continue;
      }
      this.age[i] = age;
      const keep = Math.pow(this.damping[i]!, dt);
      const vx = this.vx[i]! * keep;
      const vy = this.vy[i]! * keep + this.gravity[i]! * dt;
      this.vx[i] = vx;
      this.vy[i] = vy;
      const x = this.x[i]! + vx * dt;
      const y = this.y[i]! + vy * dt;
      this.x[i] = x;
      this.y[i] = y;
      const t = age / life;
      const fade = this.alpha[i]! * (1 - t * t);
      const color = this.color[i]!;
      switch (this.shape[i]) {
        case ParticleShape.Dot: {
          const r = this.size[i]! * (1 - t * 0.7);
          g.fillStyle(color, fade);
          // Below 3 units a square reads as a dot and costs a rectangle, not a path.
          if (r < 3) g.fillRect(x - r, y - r, 2 * r, 2 * r);
          else g.fillCircle(x, y, r);
          break;
        }
        case ParticleShape.Ring:
          g.lineStyle(Math.max(1, 5 * (1 - t)), color, fade);
          g.strokeCircle(x, y, this.size[i]! + this.grow[i]! * (1 - (1 - t) * (1 - t)));
          break;
        default: {
          const k = this.size[i]!;
          g.lineStyle(2.5, color, fade);
          g.lineBetween(x, y, x - vx * k, y - vy * k);
        }
      }
    }
  }

  /** Frees every particle (a new round's clean floor). */
  clear(): void {
    this.life.fill(0);
    this.alive = 0;
    this.graphics.clear();
  }

  destroy(): void {
    this.graphics.destroy();
  }
}
