// Seeded pseudo-random numbers that give the same bits on every machine: only 32-bit integer
// arithmetic (Math.imul, shifts) is used, never Math.random or transcendental functions.

/** sfc32 (Chris Doty-Humphrey's Small Fast Counting generator), seeded through splitmix32. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const next = () => {
      // splitmix32 step: spreads a small seed over four well-mixed words.
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.nextU32();
  }

  nextU32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1) with 24 random bits: exactly representable in float32. */
  nextUnit(): number {
    return (this.nextU32() >>> 8) * 2 ** -24;
  }

  /** Uniform in [lo, hi), rounded to float32. */
  uniform(lo: number, hi: number): number {
    return Math.fround(lo + (hi - lo) * this.nextUnit());
  }
}

/** A Float32Array of `count` values uniform in [lo, hi), reproducible from `seed`. */
export function uniformArray(count: number, seed: number, lo = -1, hi = 1): Float32Array {
  const rng = new Rng(seed);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = lo + (hi - lo) * rng.nextUnit();
  return out;
}

/** Derives an independent seed for a named input, so A and B of one experiment differ. */
export function deriveSeed(seed: number, stream: number): number {
  let z = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(stream + 1, 0x85ebca77)) >>> 0;
  z = Math.imul(z ^ (z >>> 15), 0x2c1b3c6d);
  z = Math.imul(z ^ (z >>> 12), 0x297a2d39);
  return (z ^ (z >>> 15)) >>> 0;
}
