/**
 * The capture plans behind test/fixtures/qemu/ (docs/qemu-trace.md §Fixtures): the rate limits
 * 1024/1000, 4096/2000, 1000/1000 and 100/1000 (bytes/ms), read sizes 64 and 4096, idle gaps and
 * partial windows, two and three readers, a device reset, the three backends, and unlimited bulk reads;
 * three of them again on guest kernel 6.1.176 (`-k6.1.176`).
 * Each is a few seconds of guest time so a TCG capture stays short.
 * `entropy-bench qemu capture --fixture NAME` re-captures one.
 */
import { INT64_MAX, type CapturePlan, type ReaderSpec } from './plan.ts';
import { describeKernels, findKernel, type HostKernel } from './guest-image.ts';

const reader = (tag: string, size: number, total: number, deadlineMs: number, extra: Partial<ReaderSpec> = {}): ReaderSpec => ({
  tag,
  size,
  total,
  deadlineMs,
  pauseEvery: 0,
  pauseMs: 0,
  startDelayMs: 0,
  ...extra,
});

const UNLIMITED = INT64_MAX;

const FIXTURE_PLANS_BASE: readonly CapturePlan[] = [
  { name: 'l1024-p1000-r64-builtin', backend: 'builtin', maxBytes: 1024, periodMs: 1000, steps: [{ op: 'read', readers: [reader('a', 64, 4096, 3600)] }] },
  { name: 'l1024-p1000-r4096-builtin', backend: 'builtin', maxBytes: 1024, periodMs: 1000, steps: [{ op: 'read', readers: [reader('a', 4096, 8192, 5200)] }] },
  { name: 'l4096-p2000-r4096-builtin', backend: 'builtin', maxBytes: 4096, periodMs: 2000, steps: [{ op: 'read', readers: [reader('a', 4096, 12288, 4500)] }] },
  {
    name: 'l4096-p2000-r64-gaps-builtin',
    backend: 'builtin',
    maxBytes: 4096,
    periodMs: 2000,
    steps: [{ op: 'read', readers: [reader('a', 64, 8192, 4500, { pauseEvery: 16, pauseMs: 700 })] }],
  },
  { name: 'l1000-p1000-r64-builtin', backend: 'builtin', maxBytes: 1000, periodMs: 1000, steps: [{ op: 'read', readers: [reader('a', 64, 3000, 3000)] }] },
  { name: 'l100-p1000-r64-builtin', backend: 'builtin', maxBytes: 100, periodMs: 1000, steps: [{ op: 'read', readers: [reader('a', 64, 640, 2500)] }] },
  {
    name: 'l1024-p1000-two-readers-builtin',
    backend: 'builtin',
    maxBytes: 1024,
    periodMs: 1000,
    steps: [{ op: 'read', readers: [reader('a', 64, 4096, 3000), reader('b', 64, 4096, 3000, { startDelayMs: 300 })] }],
  },
  {
    name: 'l1024-p1000-reset-builtin',
    backend: 'builtin',
    maxBytes: 1024,
    periodMs: 1000,
    steps: [{ op: 'read', readers: [reader('a', 64, 1536, 2500)] }, { op: 'reset' }, { op: 'read', readers: [reader('b', 64, 1536, 2500)] }],
  },
  { name: 'l1024-p1000-r64-random', backend: 'random', maxBytes: 1024, periodMs: 1000, steps: [{ op: 'read', readers: [reader('a', 64, 3072, 2600)] }] },
  { name: 'l1024-p1000-r64-egd', backend: 'egd', maxBytes: 1024, periodMs: 1000, steps: [{ op: 'read', readers: [reader('a', 64, 3072, 2600)] }] },
  { name: 'unlimited-r4096-builtin', backend: 'builtin', maxBytes: UNLIMITED, periodMs: 65536, steps: [{ op: 'read', readers: [reader('a', 4096, 262144, 2500)] }] },
  { name: 'unlimited-r4096-egd', backend: 'egd', maxBytes: UNLIMITED, periodMs: 65536, steps: [{ op: 'read', readers: [reader('a', 4096, 131072, 2500)] }] },
  // Three readers and khwrngd on one vCPU (the committed capture named its plan l512-p250-r64-builtin).
  {
    name: 'l512-p250-three-readers-builtin',
    backend: 'builtin',
    maxBytes: 512,
    periodMs: 250,
    steps: [{ op: 'read', readers: [reader('a', 64, 2048, 3000), reader('b', 64, 2048, 3000), reader('c', 64, 2048, 3000)] }],
  },
];

/**
 * Plans re-captured on another guest kernel (issue #12: both kernels the Debian packages allow):
 * the same guest program, the name suffixed with `-k` and the kernel's Debian version. The
 * short-completion plans (l1000, l100) are where 6.1.176 and 6.1.192 differ; l1024 is the control.
 */
const OTHER_KERNELS: ReadonlyArray<{ kernel: string; release: string; plans: readonly string[] }> = [
  { kernel: '6.1.176', release: '6.1.0-50-amd64', plans: ['l1000-p1000-r64-builtin', 'l100-p1000-r64-builtin', 'l1024-p1000-r64-builtin'] },
];

const KERNEL_PLANS: ReadonlyArray<{ plan: CapturePlan; kernel: string }> = OTHER_KERNELS.flatMap(({ kernel, plans }) =>
  plans.map((name) => ({ plan: { ...FIXTURE_PLANS_BASE.find((p) => p.name === name)!, name: `${name}-k${kernel}` }, kernel })),
);

/** Every fixture plan: the 6.1.192 ones (the newest kernel, no suffix), then the kernel-suffixed ones. */
export const FIXTURE_PLANS: readonly CapturePlan[] = [...FIXTURE_PLANS_BASE, ...KERNEL_PLANS.map((x) => x.plan)];

export function findFixturePlan(name: string): CapturePlan | undefined {
  return FIXTURE_PLANS.find((p) => p.name === name);
}

/** The guest kernel (Debian version) a fixture plan is captured on; undefined = the newest installed. */
export function fixtureKernel(name: string): string | undefined {
  return KERNEL_PLANS.find((x) => x.plan.name === name)?.kernel;
}

/**
 * The fixture plans among `plans` whose own guest kernel (a `-kVERSION` plan) is not among the
 * installed `kernels` (hostKernels()) → why, naming the Debian package that installs it. With no
 * kernel installed at all nothing is listed: the capture itself then says what to install.
 */
export function fixturesWithoutKernel(plans: readonly CapturePlan[], kernels: readonly HostKernel[]): Map<string, string> {
  const out = new Map<string, string>();
  if (kernels.length === 0) return out;
  for (const plan of plans) {
    const kernel = fixtureKernel(plan.name);
    if (kernel === undefined || findKernel(kernels, kernel) !== undefined) continue;
    const release = OTHER_KERNELS.find((x) => x.kernel === kernel)!.release;
    out.set(plan.name, `kernel ${kernel} is not installed (Debian: apt-get install linux-image-${release}); available: ${describeKernels(kernels)}`);
  }
  return out;
}
