/**
 * The driver's key material: its own CTR_DRBG (AES-256 with derivation function, SP 800-90A
 * §10.2.1) in SMRAM, instantiated and reseeded from the privileged source
 * (./entropy-policy.ts), and a fresh 256-bit key ‖ 96-bit nonce per SetVariable
 * (./record.ts seals the record with them).
 *
 * Implementation speed-up, not a model parameter: the key ‖ nonce of up to KEY_MATERIAL_BATCH
 * writes come from ONE generate request, buffered (one AES key schedule per request instead
 * of per write). The buffer never spans a reseed (it is flushed at instantiate and every
 * reseed, and a request never covers more writes than remain before the next reseed), so with
 * reseed-interval 1 every write gets its own request after its own reseed, as an edk2 driver
 * drawing per write would. With reseed-interval > 1 the key and nonce bytes differ from
 * per-write requests (CTR_DRBG updates its state after every request, SP 800-90A §10.2.1.5.2),
 * but nothing the model reports depends on those bytes: keys are only ever used by the driver
 * itself, and a write's time does not depend on how its key was drawn. SP 800-90A §9.3 lets one
 * request return up to 2^19 bits (1489 × 44 bytes). The buffer stands in SMRAM next to the
 * DRBG state and the key store, so an SMRAM compromise reveals nothing it would not reveal
 * without it (the state predicts the same writes until the next reseed; used keys are in the
 * key store); the used part is zeroed.
 */
import { CtrDrbg } from '../../drbg/ctr-drbg.ts';
import { KEY_BYTES, NONCE_BYTES, UTF8 } from './record.ts';

/** Writes whose key ‖ nonce one generate request draws at most (see above; ≤ 1489). */
export const KEY_MATERIAL_BATCH = 64;

const PER_WRITE = KEY_BYTES + NONCE_BYTES;

export class KeyMaterial {
  readonly drbg = new CtrDrbg({ keyBits: 256, derivationFunction: true });
  /** Output of one generate request, consumed front to back; consumed bytes are zeroed. */
  private pool: Uint8Array = new Uint8Array(0);
  private poolAt = 0;

  /** DRBG instantiate (personalisation 'smm-variable'); discards any buffered output. */
  instantiate(entropy: Uint8Array, nonce: Uint8Array): void {
    this.drbg.instantiate(entropy, nonce, UTF8.encode('smm-variable'));
    this.flush();
  }

  /** DRBG reseed; discards buffered output, so no write after it uses output generated before. */
  reseed(entropy: Uint8Array): void {
    this.drbg.reseed(entropy);
    this.flush();
  }

  private flush(): void {
    this.pool.fill(0);
    this.pool = new Uint8Array(0);
    this.poolAt = 0;
  }

  /**
   * Moves the next write's key and nonce out of the buffer into `key` and `nonce` (the buffer
   * bytes are zeroed), refilling it first with ONE generate request for
   * min(KEY_MATERIAL_BATCH, writesLeft) writes; `writesLeft` = writes before the next reseed.
   */
  take(writesLeft: number, key: Uint8Array, nonce: Uint8Array): void {
    if (this.poolAt + PER_WRITE > this.pool.length) {
      const writes = Math.max(1, Math.min(KEY_MATERIAL_BATCH, writesLeft));
      this.pool = this.drbg.generate(writes * PER_WRITE);
      this.poolAt = 0;
    }
    const at = this.poolAt;
    this.poolAt = at + PER_WRITE;
    const pool = this.pool;
    for (let i = 0; i < KEY_BYTES; i++) {
      key[i] = pool[at + i]!;
      pool[at + i] = 0;
    }
    for (let i = 0; i < NONCE_BYTES; i++) {
      nonce[i] = pool[at + KEY_BYTES + i]!;
      pool[at + KEY_BYTES + i] = 0;
    }
  }
}
