/** A small seeded PRNG (mulberry32): the same seed gives the same mails and the same faults. */
export type Random = () => number;

export function mulberry32(seed: number): Random {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) | 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export const pick = <T>(random: Random, values: readonly T[]): T => values[Math.floor(random() * values.length)];
export const between = (random: Random, min: number, max: number): number => min + Math.floor(random() * (max - min + 1));
