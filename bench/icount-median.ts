/**
 * Which of a kernel's repeated measured calls counts for it (bench/icount-kernels.ts,
 * `repeat`): the one with the median instruction count.
 *
 * A call whose own work is small next to what node:crypto allocates (CTR_DRBG generate:
 * one AES-256-CTR update, ~0.1–0.35·10^6 instructions) costs a different count at each
 * position in the process: 15 calls of generate(64 KiB) after two warm-ups ranged
 * 319,788–363,180 plus one of ~590,000, yet three processes gave the same sorted
 * sequence to within 0.1 % and medians 341,079–341,201. A single call's count thus
 * depends on how many allocations ran before it (why CTR_DRBG's moved 5–25 % and was
 * left to the timer); the median of an odd number of calls does not.
 */
export function medianIndex(counts: readonly number[]): number {
  if (counts.length === 0 || counts.length % 2 === 0) throw new Error(`icount: median of ${counts.length} calls; expected an odd number ≥ 1`);
  const order = counts.map((c, i) => [c, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return order[(counts.length - 1) / 2]![1];
}

/**
 * Whether a kernel's measured calls so far have reached V8's steady state, and which call
 * then counts for it: the last two calls within `tolerance` of each other (relative), the
 * smaller of the two. The first calls of a kernel include V8 compiling it (Sparkplug, then
 * TurboFan, on the main thread under `--predictable`), and where that lands moves with
 * anything that changes the process: counted at the third call, as before, raising the
 * warm-up calls from 2 to 3 moved 23 of 47 kernels by more than 1 % (sts/Frequency's third
 * call counted 5,054,910 instructions, its fourth and every later one 1,288,408;
 * RandomExcursions 84.3 M, then 6.74 M ±0.01 %). Undefined: not steady yet.
 */
export function steadyIndex(counts: readonly number[], tolerance: number): number | undefined {
  const n = counts.length;
  if (n < 2) return undefined;
  const a = counts[n - 2]!;
  const b = counts[n - 1]!;
  if (Math.abs(b - a) > tolerance * Math.min(a, b)) return undefined;
  return b <= a ? n - 1 : n - 2;
}
