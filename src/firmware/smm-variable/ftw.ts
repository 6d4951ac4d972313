/**
 * The fault-tolerant write of the variable store (edk2 MdeModulePkg/Universal/
 * FaultTolerantWriteDxe): a new store image goes to the spare area first, a journal byte in the
 * FTW working block records the progress (bits cleared in order, like FaultTolerantWriteDxe's
 * record states: allocated → spare complete → destination complete), then the store is erased
 * and rewritten from the image. A power cut before "spare complete" leaves the store as it
 * was; after it, `ftwRestart` (edk2 FtwRestart at boot) finishes the copy from the spare.
 */
import type { AccessContext } from '../../devices/access.ts';
import type { Pflash } from '../../devices/pflash.ts';

const FTW_ALLOCATED = 0xfe;
const FTW_SPARE_COMPLETE = 0xfc;
const FTW_DEST_COMPLETE = 0xf8;

/**
 * The FTW journal protocol writing `image` over the store from offset 0; the time it costs,
 * or −1 when a flash operation is refused. `scratch` is a 1-byte buffer for the journal byte.
 */
export function ftwWrite(f: Pflash, smm: AccessContext, image: Uint8Array, scratch: Uint8Array): number {
  const journal = (state: number): number => {
    scratch[0] = state;
    return f.programNow(smm, f.workingOffset, scratch);
  };
  const steps = [
    () => f.eraseNow(smm, f.workingOffset, f.blockBytes),
    () => journal(FTW_ALLOCATED),
    () => f.eraseNow(smm, f.spareOffset, f.size),
    () => f.programNow(smm, f.spareOffset, image),
    () => journal(FTW_SPARE_COMPLETE),
    () => f.eraseNow(smm, 0, f.size),
    () => f.programNow(smm, 0, image),
    () => journal(FTW_DEST_COMPLETE),
  ];
  let cost = 0;
  for (const step of steps) {
    const t = step();
    if (t < 0) return -1;
    cost += t;
  }
  return cost;
}

/**
 * Boot-time FTW restart: when the journal says "spare complete", the spare holds the complete
 * image: the destination is redone (idempotent) and the journal marked "destination complete".
 * Returns the time it cost, or null when there was nothing to finish.
 */
export function ftwRestart(f: Pflash, smm: AccessContext, scratch: Uint8Array): number | null {
  if (f.read(smm, f.workingOffset, 1)[0] !== FTW_SPARE_COMPLETE) return null;
  const spare = f.read(smm, f.spareOffset, f.size);
  let end = spare.length;
  while (end > 0 && spare[end - 1] === 0xff) end--;
  let cost = f.eraseNow(smm, 0, f.size);
  cost += f.programNow(smm, 0, spare.subarray(0, end));
  scratch[0] = FTW_DEST_COMPLETE;
  cost += f.programNow(smm, f.workingOffset, scratch);
  return cost;
}
