/**
 * The heap the counted process runs with (bench/icount-kernels.ts, README "Gate"): set up so
 * that V8's garbage collector does not run inside a measured call, because what it costs
 * there depends on everything the process holds, not on the kernel. A harness that kept
 * 200,000 more small objects alive moved sts/Universal's count +50.7 % and
 * RandomExcursions' +42.9 %: 35–40 % of each call was finishing the sweep of the old space
 * that the explicit gc() before it had left pending (V8 sweeps lazily, on allocation or when
 * a deopt needs an iterable heap). So:
 * - a young generation large enough that a quick-input kernel's allocations fit in it: no
 *   scavenge inside a call (128 MB semi-spaces; V8's default is at most 16 MB);
 * - no incremental marking, whose steps run on allocation;
 * - before each measured call, outside the counted region, a full collection (gc()) and then
 *   `v8.getHeapCodeStatistics()`, which walks the heap and so first has V8 finish sweeping
 *   it (Heap::CollectCodeStatistics → MakeHeapIterable), without a memory-reducing collection.
 *   (`v8.queryObjects()` also finishes the sweep, but its collection flushes compiled code:
 *   counts moved −70 … +600 %, 8-bit LRS 6×, as if kernels ran partly unoptimised again.)
 * With this, a test kernel allocating 200,000 small objects per call counted 24,924,073 and
 * 24,929,194 instructions without and with 300,000 extra live objects (0.02 %), 74
 * instructions of them in the collector; with gc() and V8's default heap, 37.6 M and 86.2 M.
 * bench/callgrind-dump.ts reports any collector instructions that still land in a call.
 */
import v8 from 'node:v8';

/** Node options of the counted process (after `--predictable --expose-gc`). */
export const ICOUNT_NODE_HEAP_FLAGS = ['--min-semi-space-size=128', '--max-semi-space-size=128', '--no-incremental-marking'];

/** What the report records as the counted process's heap set-up (compared by the gate). */
export const ICOUNT_HEAP = `${ICOUNT_NODE_HEAP_FLAGS.join(' ')}; gc() and a swept heap (v8.getHeapCodeStatistics) before each call`;

/** A full collection with its sweeping finished (see above). */
export function settleHeap(gc: () => void): void {
  gc();
  v8.getHeapCodeStatistics();
}
