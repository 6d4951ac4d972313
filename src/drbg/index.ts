/**
 * SP 800-90A Rev. 1 DRBGs over node:crypto: CTR_DRBG (§10.2.1, AES-128/192/256,
 * with or without Block_Cipher_df), Hash_DRBG (§10.1.1) and HMAC_DRBG (§10.1.2),
 * the §9 functions they share, entropy sources, and the CAVP DRBGVS runner.
 */
export * from './types.ts';
export { CtrDrbg, blockCipherDf, type CtrDrbgOptions } from './ctr-drbg.ts';
export { HashDrbg, hashDf, type HashDrbgOptions } from './hash-drbg.ts';
export { HmacDrbg, type HmacDrbgOptions } from './hmac-drbg.ts';
export { HASH_PARAMS, DRBG_HASHES, type HashParams } from './hash-params.ts';
export { MAX_INPUT_BYTES, MAX_REQUEST_BYTES, MAX_RESEED_INTERVAL } from './functions.ts';
export { CountingSource } from './counting-source.ts';
export { FixedSource } from './fixed-source.ts';
export { SeedDerivedSource } from './seed-source.ts';
export { OsEntropySource } from './os-source.ts';
export { createDrbg, MECHANISM_NAMES, usesNonce } from './mechanisms.ts';
export { generateStream } from './stream.ts';
export { parseCavpDrbg, runCavpCase, runCavpFile, drbgForOption } from './cavp.ts';
export type { CavpCase, CavpFile, CavpMechanism, CavpMode, CavpRunSummary, CavpOptionSummary, CavpCaseResult } from './cavp.ts';
