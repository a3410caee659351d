/**
 * A small seeded PRNG (mulberry32): the same seed gives the same fault schedule and the same
 * workload choices, so a failing seed can be rerun. Each consumer of randomness gets its own
 * stream (derived from the seed and a lane name) so adding a fault kind does not reshuffle the
 * producers' choices.
 */
export type Rng = () => number;

export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a of the lane name mixed with the seed. */
export function stream(seed: number, lane: string): Rng {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < lane.length; i++) h = Math.imul(h ^ lane.charCodeAt(i), 0x01000193);
  return mulberry32(h ^ Math.imul(seed, 0x9e3779b1));
}

/** An integer in [lo, hi]. */
export const int = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
export const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;
export const chance = (rng: Rng, p: number) => rng() < p;

/** Pick by weight: [[weight, item], ...]. */
export function weighted<T>(rng: Rng, items: ReadonlyArray<readonly [number, T]>): T {
  const total = items.reduce((n, [w]) => n + w, 0);
  let r = rng() * total;
  for (const [w, item] of items) {
    if ((r -= w) < 0) return item;
  }
  return items[items.length - 1]![1];
}
