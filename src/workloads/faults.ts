/**
 * Host-side conditions as workloads: they run no guest code; they change
 * PLATFORM's component parameters (the host source behind virtio-rng and the SMM
 * device, the virtio-rng device's presence, the RDRAND unit's SRBDS mitigation),
 * so a scenario can cross them with designs like any adversary.
 *
 * - host-fault: the host entropy source is stuck, biased, repeating, fails after
 *   some bytes, or is slow (src/devices/host-source.ts fault model);
 * - virtio-absent: no virtio-rng device (`-device virtio-rng-pci` not given);
 * - srbds-slow-rdrand: the SRBDS/CrossTalk microcode mitigation (docs/model.md §5.2,
 *   CVE-2020-0543): RDRAND/RDSEED serialised across CPUs and slower.
 */
import { str } from '../params/get.ts';
import type { ParamValues } from '../params/spec.ts';
import type { WorkloadDef } from './types.ts';

const noop = (name: string) => ({ name, start(): void {} });

export const HOST_FAULT: WorkloadDef = {
  name: 'host-fault',
  description: 'Host entropy source fault: stuck, biased, repeating, failing (fail-after) or slow (sets host-source.fault).',
  role: 'fault',
  params: [
    { name: 'fault', type: 'string', enum: ['stuck', 'biased', 'repeating', 'fail-after', 'slow'], default: 'stuck', description: 'Which fault the host source shows.', source: 'our choice (fault injection, docs/model.md §1.3 backends)' },
    { name: 'stuck-value', type: 'integer', min: 0, max: 255, default: 0, description: "Byte value of 'stuck'.", source: 'our choice' },
    { name: 'p-one', type: 'number', min: 0, max: 1, default: 0.75, description: "P(bit = 1) of 'biased'.", source: 'our choice: strong enough to fall below 8 bits/byte in any estimator' },
    { name: 'repeat-block', type: 'integer', unit: 'bytes', min: 1, default: 16, description: "Block length of 'repeating'.", source: 'our choice' },
    { name: 'fail-after-bytes', type: 'integer', unit: 'bytes', min: 0, default: 4096, description: "Bytes delivered before 'fail-after' stops.", source: 'our choice' },
    { name: 'slow-factor', type: 'number', min: 1, default: 1000, description: "Latency multiplier / throughput divisor of 'slow'.", source: 'our choice' },
  ],
  create: () => noop('host-fault'),
  platformOverrides(v: ParamValues) {
    const keep: Record<string, readonly string[]> = {
      stuck: ['stuck-value'],
      biased: ['p-one'],
      repeating: ['repeat-block'],
      'fail-after': ['fail-after-bytes'],
      slow: ['slow-factor'],
    };
    const fault = str(v, 'fault');
    const out: ParamValues = { fault };
    for (const k of keep[fault] ?? []) out[k] = v[k]!;
    return { 'host-source': out };
  },
};

export const VIRTIO_ABSENT: WorkloadDef = {
  name: 'virtio-absent',
  description: 'No virtio-rng device in the VM (sets virtio-rng.present = false).',
  role: 'fault',
  params: [],
  create: () => noop('virtio-absent'),
  platformOverrides: () => ({ 'virtio-rng': { present: false } }),
};

export const SRBDS_SLOW_RDRAND: WorkloadDef = {
  name: 'srbds-slow-rdrand',
  description: 'SRBDS mitigation on the host CPU: RDRAND/RDSEED serialised across CPUs and `factor` times slower (sets rdrand.srbds).',
  role: 'fault',
  params: [
    { name: 'factor', type: 'number', min: 1, default: 10, description: 'Latency multiplier under SRBDS.', source: 'estimate: docs/model.md §5.2 (Intel published no single slowdown factor)' },
  ],
  create: () => noop('srbds-slow-rdrand'),
  platformOverrides: (v: ParamValues) => ({ rdrand: { srbds: true, 'srbds-latency-factor': v.factor! } }),
};
