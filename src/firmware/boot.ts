/**
 * The boot timeline (docs/model.md §3.1, §3.7, §2.1): SEC/PEI → DXE (platform and third-party
 * drivers load; RngDxe installs EFI_RNG_PROTOCOL if RDRAND works) → EndOfDxe + SMM
 * ReadyToLock (the SMM driver may seed here) → BDS (virtio-rng connected only now; firmware
 * writes its boot variables) → HTTPS boot (TLS) → ExitBootServices (virtio-rng reset, boot
 * services gone) → OS runtime.
 *
 * A phase lasts its nominal duration or until the firmware work of the phase is done,
 * whichever is later: a firmware wait for entropy delays the boot (§8: a drained quota before
 * BDS delays boot by up to one period).
 */
import type { ParamTable } from '../params/spec.ts';
import type { ComponentDef } from '../params/component.ts';
import type { Proc, Sim, SimEvent } from '../sim/sim.ts';

export type PhaseName = 'sec-pei' | 'dxe' | 'end-of-dxe' | 'bds' | 'https-boot' | 'exit-boot-services' | 'runtime';
export const PHASES: readonly PhaseName[] = ['sec-pei', 'dxe', 'end-of-dxe', 'bds', 'https-boot', 'exit-boot-services', 'runtime'];

export const TIMELINE_PARAMS: ParamTable = [
  { name: 'sec-pei-ns', type: 'number', unit: 'ns', default: 300e6, min: 0, description: 'SEC + PEI duration.', source: 'estimate: OVMF boot-log timing, not in docs/model.md' },
  { name: 'dxe-ns', type: 'number', unit: 'ns', default: 700e6, min: 0, description: 'DXE dispatch duration (third-party drivers run here).', source: 'estimate' },
  { name: 'end-of-dxe-ns', type: 'number', unit: 'ns', default: 1e6, min: 0, description: 'EndOfDxe + SMM ReadyToLock.', source: 'estimate' },
  { name: 'bds-ns', type: 'number', unit: 'ns', default: 500e6, min: 0, description: 'BDS duration (virtio-rng connected, boot variables written).', source: 'estimate' },
  { name: 'https-boot-ns', type: 'number', unit: 'ns', default: 1e9, min: 0, description: 'HTTPS boot duration (0 and tls.handshakes = 0 to skip).', source: 'estimate' },
  { name: 'exit-boot-services-ns', type: 'number', unit: 'ns', default: 10e6, min: 0, description: 'ExitBootServices to OS runtime.', source: 'estimate' },
  {
    name: 'boot-stall-budget-ns',
    type: 'number',
    unit: 'ns',
    default: 1000e9,
    min: 0,
    description: 'How long the model lets a stalled boot (firmware waiting forever) run before it stops the cell.',
    source: 'our choice: > 15 default virtio-rng periods (docs/model.md §0 row 2)',
  },
];

export class BootPhases {
  readonly timeline: Array<{ phase: PhaseName; atNs: number }> = [];
  private readonly events = new Map<PhaseName, SimEvent<void>>();
  private cur: PhaseName | 'reset' = 'reset';

  constructor(private readonly sim: Sim) {
    for (const p of PHASES) this.events.set(p, sim.event<void>(`phase:${p}`));
  }

  /** The phase running now ('reset' before sec-pei starts). */
  current(): PhaseName | 'reset' {
    return this.cur;
  }

  started(phase: PhaseName): boolean {
    return this.events.get(phase)!.triggered;
  }

  /** Virtual time the phase started, or undefined. */
  startedAt(phase: PhaseName): number | undefined {
    return this.timeline.find((t) => t.phase === phase)?.atNs;
  }

  /** `yield* phases.waitFor('runtime')`: returns when the phase starts (at once if it has). */
  *waitFor(phase: PhaseName): Proc<void> {
    const ev = this.events.get(phase);
    if (ev === undefined) throw new Error(`unknown boot phase '${phase}'`);
    if (!ev.triggered) yield ev;
  }

  /** Starts a phase (the boot process calls this). */
  enter(phase: PhaseName): void {
    this.cur = phase;
    this.timeline.push({ phase, atNs: this.sim.now });
    this.events.get(phase)!.succeed();
  }
}

/** Its component descriptor (src/params/component.ts): scenario key, parameters, metrics it records, roles. */
export const TIMELINE_COMPONENT: ComponentDef = {
  name: 'timeline',
  description: 'the boot timeline (phase durations)',
  params: TIMELINE_PARAMS,
  metrics: [],
  produces: [],
  consumes: [],
};
