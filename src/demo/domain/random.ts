/**
 * Seeded randomness for demo data: the same seed always gives the same data, on any machine.
 * Never use Math.random in demo generation.
 */

/** 32-bit integer hash of a list of numbers (murmur3 finaliser per step). */
export function hash32(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    // Fold in both halves so seeds beyond 2^32 (and negative ones) still differ.
    h = mix32(h ^ (part >>> 0));
    h = mix32(h ^ (Math.floor(part / 4294967296) >>> 0));
  }
  return h >>> 0;
}

function mix32(value: number): number {
  let h = value;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** sfc32 generator. `stream` gives independent sequences from one seed. */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, stream = 0) {
    this.a = hash32(seed, stream, 1);
    this.b = hash32(seed, stream, 2);
    this.c = hash32(seed, stream, 3);
    this.d = 1;
    for (let i = 0; i < 12; i++) this.uint32();
  }

  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.uint32() / 4294967296;
  }

  /** Uniform integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
}

/** A list of values with weights, sampled in O(log n). */
export class Weighted<T> {
  readonly values: readonly T[];
  private readonly cumulative: Float64Array;
  private readonly total: number;

  constructor(entries: Iterable<readonly [T, number]>) {
    const list = [...entries].filter(([, weight]) => weight > 0);
    if (list.length === 0) throw new RangeError('a weighted table needs a positive weight');
    this.values = list.map(([value]) => value);
    this.cumulative = new Float64Array(list.length);
    let sum = 0;
    list.forEach(([, weight], i) => {
      sum += weight;
      this.cumulative[i] = sum;
    });
    this.total = sum;
  }

  sample(random: Random): T {
    const target = random.next() * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulative[mid]! > target) hi = mid;
      else lo = mid + 1;
    }
    return this.values[lo]!;
  }

  /** Share of the total weight held by a value (for tests and calibration). */
  share(value: T): number {
    let weight = 0;
    this.values.forEach((v, i) => {
      if (v === value) weight += this.cumulative[i]! - (i === 0 ? 0 : this.cumulative[i - 1]!);
    });
    return weight / this.total;
  }
}

/**
 * A keyed bijection on [0, size): a Feistel network over the next even power of two, with cycle
 * walking back into range. Turns a counter into unique, random-looking serial numbers.
 */
export function createPermutation(size: number, key: number): (index: number) => number {
  if (!Number.isSafeInteger(size) || size < 1 || size > 2 ** 30) throw new RangeError(`permutation size ${size}`);
  const half = Math.max(1, Math.ceil(Math.ceil(Math.log2(size)) / 2));
  const mask = (1 << half) - 1;
  const keys = [0, 1, 2, 3].map((round) => hash32(key, round));
  const encrypt = (value: number): number => {
    let left = value >>> half;
    let right = value & mask;
    for (const roundKey of keys) {
      const next = left ^ (mix32(right ^ roundKey) & mask);
      left = right;
      right = next;
    }
    return (left << half) | right;
  };
  return (index: number) => {
    if (!(index >= 0 && index < size && Number.isInteger(index))) throw new RangeError(`index ${index} outside [0, ${size})`);
    let value = encrypt(index);
    while (value >= size) value = encrypt(value);
    return value;
  };
}
