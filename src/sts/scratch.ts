/**
 * Reused per-thread arrays for the tests' per-stream temporaries (the stream's
 * words with spare words after them, pattern counts).
 *
 * Why: allocating them anew for every stream leaves their ArrayBuffers to the
 * garbage collector, which reclaims off-heap memory late (V8 counts it towards a
 * collection only past tens of MB): ~0.6 MB per stream for Serial alone, 11 MB of
 * peak RSS after 20 streams, against `sts`'s 64 MB budget (issue 16).
 *
 * A scratch array is zero-filled, and valid until the next request under the same
 * name: callers use it within one test call and never return it in a result.
 */
const arrays = new Map<string, Uint32Array>();

/** A zero-filled Uint32Array of `length` words, reused under `name`. */
export function scratchWords(name: string, length: number): Uint32Array {
  const have = arrays.get(name);
  if (have && have.length >= length) {
    const view = have.subarray(0, length);
    view.fill(0);
    return view;
  }
  const fresh = new Uint32Array(length);
  arrays.set(name, fresh);
  return fresh;
}

/**
 * The stream's words followed by `spare` zero words (so that reads of the word
 * after a window's start never leave the array), in the shared 'padded-words'
 * scratch array.
 */
export function paddedWords(words: Uint32Array, spare: number): Uint32Array {
  const out = scratchWords('padded-words', words.length + spare);
  out.set(words);
  return out;
}
