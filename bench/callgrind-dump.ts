/**
 * Reading callgrind's dump files (bench/icount.ts, bench/icount-kernels.ts): a dump's
 * instruction count, and how much of it V8's garbage collector spent.
 */
/** The instruction count of one callgrind dump file (its `summary:` line; `events: Ir` only). */
export function parseCallgrindSummary(text: string, file: string): number {
  const events = /^events: (.+)$/m.exec(text);
  if (!events) throw new Error(`${file}: no 'events:' line; not a callgrind profile`);
  if (events[1]!.trim() !== 'Ir') throw new Error(`${file}: events '${events[1]!.trim()}', expected 'Ir' only (callgrind without cache simulation)`);
  const m = /^summary: (\d+)\s*$/m.exec(text);
  if (!m) throw new Error(`${file}: no 'summary:' line; the dump is incomplete`);
  return Number(m[1]);
}

/**
 * V8's garbage collector, by function name: its instructions in a dump are reported next
 * to each kernel's count (bench/icount.ts, `gcInstructions`) to show that none ran inside a
 * measured call, which is how the counted process is set up (bench/icount-kernels.ts). Where
 * one did, this says so instead of the count moving for no visible reason: collections,
 * lazy sweeping and marking cost in proportion to what the whole *process* holds. Measured
 * with the harness keeping 200,000 extra small objects alive, before that set-up:
 * sts/Universal +50.7 % and RandomExcursions +42.9 %, 35–40 % of each call sweeping the old
 * space (a deopt inside the call finished the sweep the explicit gc() before it had left).
 */
export const GC_FUNCTION =
  /^v8::internal::(?:Heap::(?:CollectGarbage|CollectAllGarbage|CollectAllAvailableGarbage|EnsureSweepingCompleted|PerformGarbageCollection|Scavenge|MarkCompact|MinorMarkCompact|StartIncrementalMarking|FinalizeIncrementalMarking)|Sweeper|LocalSweeper|Sweeper::|IncrementalMarking|MarkCompactCollector|MinorMarkCompactCollector|ScavengerCollector|Scavenger|ArrayBufferSweeper|ConcurrentMarking|MarkingVisitorBase|MainMarkingVisitor|MarkingWorklists|RecordMigratedSlotVisitor|Evacuat|FullEvacuator|PagedSpaceBase::ContributeToSweepingMain)/;

/**
 * One callgrind dump: its instruction count (`summary:`) and the instructions executed in
 * the garbage collector's own functions (GC_FUNCTION; their *self* cost, so nested calls
 * are never counted twice; helpers the collector calls, such as HeapObject::SizeFromMap,
 * are not included: a lower bound). Callgrind's format: `fn=` names the current function
 * (compressed as `(id) name` at first use, `(id)` after); a cost line `position cost`
 * belongs to it unless it follows a `calls=` line (then it is a call's inclusive cost).
 */
export function parseCallgrindDump(text: string, file: string): { total: number; gc: number } {
  const total = parseCallgrindSummary(text, file);
  const names = new Map<string, string>();
  let inGc = false;
  let callCost = false;
  let gc = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('fn=')) {
      const m = /^fn=\((\d+)\)(?: (.*))?$/.exec(line);
      const name = m === null ? line.slice(3) : m[2] !== undefined ? (names.set(m[1]!, m[2]), m[2]) : (names.get(m[1]!) ?? '');
      inGc = GC_FUNCTION.test(name);
    } else if (line.startsWith('cfn=')) {
      // Names first given in a call record are defined here too.
      const m = /^cfn=\((\d+)\) (.*)$/.exec(line);
      if (m !== null) names.set(m[1]!, m[2]!);
    } else if (line.startsWith('calls=')) callCost = true;
    else if (/^[-+*0-9]/.test(line)) {
      if (callCost) callCost = false;
      else if (inGc) gc += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  if (!Number.isSafeInteger(gc) || gc > total) throw new Error(`${file}: garbage-collector instructions ${gc} do not fit the dump's summary ${total}; not a callgrind profile this reads`);
  return { total, gc };
}
