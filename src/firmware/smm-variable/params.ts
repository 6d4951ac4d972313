/**
 * The SMM variable driver's model parameters (src/params/spec.ts): what the modelled driver
 * does and what it costs — entropy policy (docs/model.md §0 row 11), reseeding (SP 800-90A
 * §10.2.1, §0 row 34), source health (SP 800-90B §4.3/§4.4, docs/model.md §7.2), SMM handler
 * costs (docs/model.md §4.4) and the firmware's own boot-time writes (§2.1, §3.7). How fast
 * the model computes is no parameter: see ./key-material.ts.
 */
import type { ParamTable } from '../../params/spec.ts';

export const SMM_VARIABLE_PARAMS: ParamTable = [
  {
    name: 'policy',
    type: 'string',
    enum: ['wait', 'fail', 'degrade'],
    default: 'wait',
    description: "When the source cannot deliver: 'wait' forever, 'fail' (EFI_NOT_READY) or 'degrade' to the counter fallback.",
    source: "our choice: 'wait' mirrors OVMF VirtioFlush (no timeout, docs/model.md §0 row 11)",
  },
  {
    name: 'fail-timeout-ns',
    type: 'number',
    unit: 'ns',
    default: 1e6,
    min: 0,
    description: "How long 'fail'/'degrade' wait for the source before giving up.",
    source: 'estimate: a served request takes ≪ 1 ms (docs/model.md §4.3)',
  },
  {
    name: 'reseed-interval',
    type: 'integer',
    default: 1,
    min: 1,
    max: 2 ** 48,
    description: 'SetVariable calls between reseeds of the SMM DRBG from the privileged source.',
    source: 'our choice: reseed per write (prediction resistance); SP 800-90A allows up to 2^48 (docs/model.md §0 row 34)',
  },
  { name: 'seed-bytes', type: 'integer', unit: 'bytes', default: 32, min: 32, description: 'Entropy input at instantiate/reseed.', source: 'SP 800-90A §10.2.1 (entropy ≥ 256-bit security strength), docs/model.md §7.1' },
  { name: 'nonce-bytes', type: 'integer', unit: 'bytes', default: 16, min: 16, description: 'Nonce at instantiate.', source: 'SP 800-90A (nonce ≥ strength/2), docs/model.md §7.1' },
  {
    name: 'on-health-failure',
    type: 'string',
    enum: ['fail-closed', 'fallback'],
    default: 'fail-closed',
    description: "While the source is failed (health alarm, start-up test not yet passed): refuse the write (EFI_DEVICE_ERROR) or seed from the declared fallback (the counter RngLib).",
    source: 'SP 800-90B §4.4 (output of a failed source must not be used); fail-closed is our design choice, fallback the unsafe alternative',
  },
  {
    name: 'startup-samples',
    type: 'integer',
    default: 1024,
    min: 1,
    max: 1 << 20,
    description: 'Samples (bytes) of the start-up test that must pass before a failed source is used again.',
    source: 'SP 800-90B §4.3 (start-up tests on at least 1024 consecutive samples); docs/model.md §7.2',
  },
  { name: 'health-tests', type: 'boolean', default: true, description: 'The driver runs its own RCT + APT on every entropy byte it receives.', source: 'SP 800-90B §4.4 (our design choice)' },
  { name: 'claimed-entropy', type: 'number', unit: 'bits/byte', default: 8, min: 0.01, max: 8, description: 'Entropy the driver credits per source byte (sets health-test cutoffs).', source: 'docs/model.md §7.2 cutoff tables' },
  {
    name: 'starvation-threshold-ns',
    type: 'number',
    unit: 'ns',
    default: 2e6,
    min: 0,
    description: 'An entropy wait longer than this counts (whole) as starvation.',
    source: 'our definition: an unthrottled request takes ≪ 1 ms (docs/model.md §4.3); the timer fallback needs ≈1.3 ms for a 48-byte seed, which is slow, not starved',
  },
  {
    name: 'handler-ns',
    type: 'number',
    unit: 'ns',
    default: 50000,
    min: 0,
    description: 'Fixed SMM handler work per SetVariable/GetVariable (lookup, policy checks).',
    source: 'estimate: docs/model.md §4.4 (≈220 µs per SMM GetVariable on an Atom SoC, BZ 2220; a modern core is faster)',
  },
  {
    name: 'auth-verify-ns',
    type: 'number',
    unit: 'ns',
    default: 1e6,
    min: 0,
    description: 'Signature verification of an authenticated (time-based) variable write in SMM.',
    source: 'estimate: one RSA-2048 PKCS#7 verify in firmware; not in docs/model.md',
  },
  { name: 'crypt-ns-per-byte', type: 'number', unit: 'ns', default: 1, min: 0, description: 'AES-256-GCM cost in SMM per byte.', source: 'estimate: AES-NI GCM ≈1 GB/s' },
  { name: 'boot-variable-writes', type: 'integer', default: 3, min: 0, description: 'SetVariable calls the firmware itself makes in BDS (BootOrder, Boot####, ...).', source: 'estimate: no docs/model.md figure' },
  { name: 'boot-variable-bytes', type: 'integer', unit: 'bytes', default: 64, min: 0, max: 65536, description: 'Size of each firmware boot-time variable.', source: 'estimate' },
  {
    name: 'seed-at-end-of-dxe',
    type: 'boolean',
    default: true,
    description: 'Try to instantiate the DRBG at EndOfDxe (else at the first SetVariable).',
    source: "docs/model.md §2.1, §3.7 (Ersek's rule: seed at End-of-DXE)",
  },
];
