/**
 * A minimal WebAssembly binary encoder for our hand-written kernels
 * (./berlekamp-massey-simd.ts, ./fft-stages-simd.ts, ./fft-real-simd.ts, ./fisher-yates.ts, ./health-scan-simd.ts,
 * ./lag-sums-simd.ts, ./lagged-agreement.ts, ./mmc-lead-orders.ts, ./pattern-counts.ts): each kernel is one function
 * over one imported memory, assembled here from its opcodes (WebAssembly Core
 * Specification 2.0 §5, binary format; SIMD opcodes from the fixed-width SIMD
 * proposal, in Node 20 without flags). No build step and no dependency: the
 * modules are a few hundred bytes.
 */

/** Unsigned LEB128 (§5.2.2). */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (§5.2.2). */
export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const str = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];

/**
 * True when the host stores a 32-bit word least significant byte first (x86 and ARM as Node.js
 * runs them). WebAssembly's loads are little-endian, and typed arrays use the host's order: a
 * kernel that reads words a typed array wrote into its memory needs this; so does a byte swap
 * of whole words (../bits/bit-sequence.ts packWords).
 */
export const LITTLE_ENDIAN_HOST = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** Value types (§5.3.1). */
export const I32 = 0x7f;
export const I64 = 0x7e;
export const F64 = 0x7c;
export const V128 = 0x7b;

/** A SIMD instruction: the 0xfd prefix and its LEB128 sub-opcode. */
const simd = (sub: number): number[] => [0xfd, ...uleb(sub)];
/** A memory access's memarg: alignment exponent and offset 0. */
const memarg = (align: number): number[] => [align, 0];

/** The opcodes our kernels use (§5.4). */
export const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  else: [0x05],
  end: [0x0b],
  br: (l: number) => [0x0c, ...uleb(l)],
  brIf: (l: number) => [0x0d, ...uleb(l)],
  return: [0x0f],
  select: [0x1b],
  get: (i: number) => [0x20, ...uleb(i)],
  set: (i: number) => [0x21, ...uleb(i)],
  tee: (i: number) => [0x22, ...uleb(i)],
  i32Load: [0x28, ...memarg(2)],
  i32Load8U: [0x2d, ...memarg(0)],
  i32Store: [0x36, ...memarg(2)],
  i32Store8: [0x3a, ...memarg(0)],
  i32: (v: number) => [0x41, ...sleb(v)],
  i64: (v: number) => [0x42, ...sleb(v)],
  i32Eqz: [0x45],
  i32Eq: [0x46],
  i32Ne: [0x47],
  i32LtS: [0x48],
  i32LtU: [0x49],
  i32GtS: [0x4a],
  i32LeS: [0x4c],
  i32GeS: [0x4e],
  i32Clz: [0x67],
  i32Popcnt: [0x69],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32And: [0x71],
  i32Or: [0x72],
  i32Xor: [0x73],
  i32RemU: [0x70],
  i32Rotl: [0x77],
  i32Shl: [0x74],
  i32ShrU: [0x76],
  i64Or: [0x84],
  i64Shl: [0x86],
  i64ShrU: [0x88],
  i64Rotl: [0x89],
  i64Mul: [0x7e],
  i64Add: [0x7c],
  i64Store: [0x37, ...memarg(3)],
  i64Load: [0x29, ...memarg(3)],
  i32WrapI64: [0xa7],
  f64ConvertI32S: [0xb7],
  f64Mul: [0xa2],
  /** f64.load at +offset, alignment hint 8 bytes. */
  f64LoadAt: (offset: number) => [0x2b, 3, ...uleb(offset)],
  /** f64.store at +offset, alignment hint 8 bytes. */
  f64StoreAt: (offset: number) => [0x39, 3, ...uleb(offset)],
  i64ExtendI32U: [0xad],
  v128Load: [...simd(0), ...memarg(4)],
  v128Store: [...simd(11), ...memarg(4)],
  v128Zero: [...simd(12), ...new Array<number>(16).fill(0)],
  /** v128.const of four i32 lanes (lane 0 first). */
  i32x4Const: (a: number, b: number, c: number, d: number) => [...simd(12), ...new Uint8Array(Int32Array.of(a, b, c, d).buffer)],
  i8x16Splat: simd(15),
  i32x4Splat: simd(17),
  i32x4Extract: (lane: number) => [...simd(27), lane],
  i32x4Ne: simd(56),
  i32x4LeS: simd(61),
  i32x4Bitmask: simd(164),
  i32x4Sub: simd(177),
  i32x4MinS: simd(182),
  i32x4MaxS: simd(184),
  i64x2Splat: simd(18),
  i64x2Extract: (lane: number) => [...simd(29), lane],
  i64x2Replace: (lane: number) => [...simd(30), lane],
  i8x16Eq: simd(35),
  v128And: simd(78),
  v128Xor: simd(81),
  v128Bitselect: simd(82),
  i8x16Bitmask: simd(100),
  i16x8ExtendLowI8x16U: simd(0x89),
  i16x8ExtendHighI8x16U: simd(0x8a),
  i32x4Add: simd(0xae),
  i32x4DotI16x8S: simd(0xba),
  i64x2ExtendLowI32x4U: simd(0xc9),
  i64x2ExtendHighI32x4U: simd(0xca),
  i64x2Add: simd(0xce),
  i64x2Sub: simd(0xd1),
  /** i8x16.shuffle with its 16 lane indices (0–15 from the first operand, 16–31 from the second). */
  i8x16Shuffle: (lanes: number[]) => [...simd(13), ...lanes],
  i32Mul: [0x6c],
  /** f64.const: the value's 8 bytes, little-endian (§5.4.7). */
  f64: (v: number) => [0x44, ...new Uint8Array(Float64Array.of(v).buffer)],
  /** v128 load/store of two doubles at +offset, alignment hint 8 bytes (any address works). */
  v128LoadAt: (offset: number) => [...simd(0), 3, ...uleb(offset)],
  v128StoreAt: (offset: number) => [...simd(11), 3, ...uleb(offset)],
  /** Stores lane 0 (the low double) at +offset. */
  v128Store64Lane0At: (offset: number) => [...simd(0x5b), 3, ...uleb(offset), 0],
  f64x2Splat: simd(20),
  f64x2Add: simd(0xf0),
  f64x2Sub: simd(0xf1),
  f64x2Mul: simd(0xf2),
  f64x2Neg: simd(0xed),
  f64x2Lt: simd(0x49),
};

/**
 * `while (local < end) { body; local += step }` (signed compare): the counted loop most kernels
 * are made of. The caller sets the local's first value; `end` is code that pushes an i32.
 */
export function countedLoop(local: number, end: number[], step: number, body: number[]): number[] {
  return [
    ...op.block, ...op.loop,
    ...op.get(local), ...end, ...op.i32GeS, ...op.brIf(1),
    ...body,
    ...op.get(local), ...op.i32(step), ...op.i32Add, ...op.set(local),
    ...op.br(0), ...op.end, ...op.end,
  ];
}

/** One exported function over one imported memory `m.mem`: its signature, locals (count, type) and body. */
export interface KernelFunction {
  name: string;
  params: number[];
  results: number[];
  locals: Array<[count: number, type: number]>;
  body: number[];
}

/** The module's bytes: type, import (memory `m.mem`, ≥ 1 page), function, export and code sections. */
export function kernelModuleBytes(f: KernelFunction): Uint8Array {
  const type = vec([[0x60, ...vec(f.params.map((t) => [t])), ...vec(f.results.map((t) => [t]))]]);
  const imports = vec([[...str('m'), ...str('mem'), 0x02, 0x00, ...uleb(1)]]);
  const funcs = vec([uleb(0)]);
  const exports = vec([[...str(f.name), 0x00, ...uleb(0)]]);
  const locals = vec(f.locals.map(([count, t]) => [...uleb(count), t]));
  const fn = [...locals, ...f.body, ...op.end];
  const code = vec([[...uleb(fn.length), ...fn]]);
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, type),
    ...section(2, imports),
    ...section(3, funcs),
    ...section(7, exports),
    ...section(10, code),
  ]);
}

/** The part of the WebAssembly JS API used here (the project's TypeScript libs do not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (mod: object, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
  Memory: new (desc: { initial: number }) => { buffer: ArrayBuffer };
}
const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

/** One instance of a kernel: its memory and its exported function. */
export interface KernelInstance<F> {
  memory: { buffer: ArrayBuffer };
  fn: F;
}

/**
 * A kernel compiled once per thread, instantiated on demand over a memory of at least `pages`
 * 64 KiB pages (a new instance only when more pages are needed: one per call would leave a
 * memory per call for the garbage collector). `instance(pages)` is undefined without
 * WebAssembly SIMD; callers fall back to TypeScript.
 *
 * `views(pages)` is the same instance seen through what `makeViews` builds over it (typed
 * arrays on its memory, the function), made once per instance: a caller that made its views
 * at every call allocated per call, and V8 kept deoptimising the caller's code when the
 * collector freed them (the Lag estimator, README "Gate").
 */
export class SimdKernel<F, V = never> {
  private compiled: object | null | undefined;
  private name = '';
  private current: ({ pages: number } & KernelInstance<F>) | undefined;
  private made: { of: KernelInstance<F>; views: V } | undefined;

  constructor(
    private readonly build: () => KernelFunction,
    private readonly makeViews?: (instance: KernelInstance<F>) => V,
  ) {}

  /** The compiled module (once per thread), or null without WebAssembly SIMD. */
  private module(): object | null {
    if (this.compiled === undefined) {
      try {
        const f = this.build();
        this.name = f.name;
        this.compiled = wasm ? new wasm.Module(kernelModuleBytes(f)) : null;
      } catch {
        this.compiled = null; // no WebAssembly SIMD
      }
    }
    return this.compiled ?? null;
  }

  instance(pages: number): KernelInstance<F> | undefined {
    const compiled = this.module();
    if (!compiled || !wasm) return undefined;
    if (!this.current || this.current.pages < pages) {
      const memory = new wasm.Memory({ initial: pages });
      const fn = new wasm.Instance(compiled, { m: { mem: memory } }).exports[this.name] as F;
      this.current = { pages, memory, fn };
    }
    return this.current;
  }

  /**
   * A new instance with a memory of its own (at least `pages` pages), for a caller that keeps
   * its data in the memory between calls (`instance` gives every caller the same one); undefined
   * without WebAssembly SIMD.
   */
  own(pages: number): KernelInstance<F> | undefined {
    const compiled = this.module();
    if (!compiled || !wasm) return undefined;
    const memory = new wasm.Memory({ initial: pages });
    const fn = new wasm.Instance(compiled, { m: { mem: memory } }).exports[this.name] as F;
    return { memory, fn };
  }

  /**
   * The kernel's function over a memory another kernel's instance owns (`own`), so that two
   * kernels work on the same data; undefined without WebAssembly SIMD.
   */
  on(memory: { buffer: ArrayBuffer }): F | undefined {
    // No memory of its own: each WebAssembly memory reserves gigabytes of address space for its
    // guard region, which valgrind (the gate's instruction counts) cannot give many of.
    const compiled = this.module();
    if (!compiled || !wasm) return undefined;
    return new wasm.Instance(compiled, { m: { mem: memory } }).exports[this.name] as F;
  }

  /** The views `makeViews` builds over the instance of at least `pages` pages, made once per instance; undefined without WebAssembly SIMD. */
  views(pages: number): V | undefined {
    const inst = this.instance(pages);
    if (!inst || !this.makeViews) return undefined;
    if (this.made?.of !== inst) this.made = { of: inst, views: this.makeViews(inst) };
    return this.made.views;
  }
}
