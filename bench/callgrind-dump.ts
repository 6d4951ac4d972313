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
 * V8's just-in-time work, by the runtime entry the generated code calls into: compiling
 * (bytecode for a lazy function, Sparkplug baseline code at a budget interrupt, TurboFan
 * code, on-stack replacement, WebAssembly tier-up) and deoptimising. Under `--predictable`
 * all of it runs on the main thread, inside whichever call it falls in. Its cost moves
 * with V8's heuristics rather than with the kernel: the 1-bit Lag estimator's calls counted
 * 75, 56, 79, 78, then 37.1, 37.1 million instructions, its first four with 20–40 million
 * of TurboFan compiling (one on-stack-replacement compile of its driver was 40.5 million).
 * A kernel whose code V8 rebuilds at every call (a deopt at every call, say) counts the same
 * in every call and so looks steady; the count that machines agree on is the one without.
 */
export const JIT_ENTRY =
  /^v8::internal::(?:Runtime_(?:CompileOptimized|CompileOptimizedOSR|CompileLazy|CompileBaseline|InstallBaselineCode|BytecodeBudgetInterrupt\w*|NotifyDeoptimized|HealOptimizedCodeSlot|WasmTriggerTierUp|WasmCompileLazy|WasmCompileWrapper)\b|Deoptimizer::)/;

/** What one callgrind dump counts. */
export interface CallgrindDump {
  /** Every instruction of the dump (its `summary:`). */
  total: number;
  /** Of those, the garbage collector's own (GC_FUNCTION, self cost: a lower bound). */
  gc: number;
  /** Of those, V8's just-in-time work (JIT_ENTRY, inclusive: everything under those entries). */
  jit: number;
}

/**
 * One callgrind dump: its instruction count (`summary:`), the instructions executed in
 * the garbage collector's own functions (GC_FUNCTION; their *self* cost, so nested calls
 * are never counted twice; helpers the collector calls, such as HeapObject::SizeFromMap,
 * are not included: a lower bound), and V8's just-in-time work (JIT_ENTRY: the inclusive
 * cost of each call into such an entry from a function that is not one, so an entry that
 * calls another is counted once). Callgrind's format: `fn=` names the current function
 * (compressed as `(id) name` at first use, `(id)` after); `cfn=` names a callee the same
 * way; a cost line `position cost` belongs to the current function unless it follows a
 * `calls=` line (then it is that call's inclusive cost).
 */
export function parseCallgrindDump(text: string, file: string): CallgrindDump {
  const total = parseCallgrindSummary(text, file);
  const names = new Map<string, string>();
  const resolve = (spec: string): string => {
    const m = /^\((\d+)\)(?: (.*))?$/.exec(spec);
    if (m === null) return spec;
    if (m[2] !== undefined) {
      names.set(m[1]!, m[2]);
      return m[2];
    }
    return names.get(m[1]!) ?? '';
  };
  let inGc = false;
  let inJit = false;
  let callCost = false;
  let calleeJit = false;
  let gc = 0;
  let jit = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('fn=')) {
      const name = resolve(line.slice(3));
      inGc = GC_FUNCTION.test(name);
      inJit = JIT_ENTRY.test(name);
    } else if (line.startsWith('cfn=')) {
      calleeJit = JIT_ENTRY.test(resolve(line.slice(4)));
    } else if (line.startsWith('calls=')) callCost = true;
    else if (/^[-+*0-9]/.test(line)) {
      const cost = Number(line.slice(line.lastIndexOf(' ') + 1));
      if (callCost) {
        callCost = false;
        if (calleeJit && !inJit) jit += cost;
      } else if (inGc) gc += cost;
    }
  }
  if (!Number.isSafeInteger(gc) || gc > total) throw new Error(`${file}: garbage-collector instructions ${gc} do not fit the dump's summary ${total}; not a callgrind profile this reads`);
  if (!Number.isSafeInteger(jit) || jit > total) throw new Error(`${file}: just-in-time instructions ${jit} do not fit the dump's summary ${total}; not a callgrind profile this reads`);
  return { total, gc, jit };
}
