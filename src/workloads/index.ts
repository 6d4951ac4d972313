/**
 * Every workload a scenario may name, in `entropy-bench list workloads` order:
 * the background SMM load, the adversaries, then host-side faults.
 */
import { HOST_FAULT, SRBDS_SLOW_RDRAND, VIRTIO_ABSENT } from './faults.ts';
import { HTTPS_BOOT } from './https-boot.ts';
import { OS_HWRNG } from './os-hwrng.ts';
import { RDRAND_HAMMER } from './rdrand-hammer.ts';
import { SMM_PROBE } from './smm-probe.ts';
import { VARIABLE_CHURN } from './variable-churn.ts';
import { VIRTIO_DRAIN } from './virtio-drain.ts';
import type { WorkloadDef } from './types.ts';

export type { WorkloadDef } from './types.ts';

export const WORKLOADS: readonly WorkloadDef[] = [
  VARIABLE_CHURN,
  VIRTIO_DRAIN,
  OS_HWRNG,
  RDRAND_HAMMER,
  SMM_PROBE,
  HTTPS_BOOT,
  HOST_FAULT,
  VIRTIO_ABSENT,
  SRBDS_SLOW_RDRAND,
];

export function findWorkload(name: string): WorkloadDef | undefined {
  return WORKLOADS.find((w) => w.name === name);
}
