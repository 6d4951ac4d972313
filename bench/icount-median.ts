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
