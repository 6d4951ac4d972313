/**
 * A component descriptor: what one device or firmware component is, in one value, the way
 * QEMU describes a device type (`TypeInfo` + its property table, `device_class_set_props`)
 * and edk2 describes a module (the INF's `[Pcd]`, `## PRODUCES` and `## CONSUMES` lines):
 *  - `name`: the key of its parameters in a scenario's `params:` section;
 *  - `params`: its parameter table (./spec.ts), defaults citing docs/model.md;
 *  - `metrics`: the metric paths it records (src/metrics/table.ts);
 *  - `produces` / `consumes`: the roles it fills and the roles it needs filled (a role is a
 *    slot of the platform, e.g. 'smm-entropy-device', 'privileged-source');
 *  - `create(deps)`: builds it from the platform services and the providers of the roles it
 *    consumes, and returns what it provides keyed by role (`{ 'smm-entropy-device': dev }`).
 *    Only components a design picks for a role have one; the base platform (virtio-rng,
 *    RDRAND, pflash, …) and components that only hold parameters (the boot timeline, the
 *    taps) are built by the assembler itself;
 *  - `addOn`: built only in a design that picks it for a role, so its parameters are resolved
 *    into a run and listed in its report only there. The components of the base platform
 *    (and the first SMM-only device, `smm-device`) are listed in every report whether or not
 *    the design uses them; an add-on keeps the reports of the designs that do not use it
 *    unchanged.
 * The design layer (src/designs/) keeps the registry of every descriptor and assembles a
 * platform by asking, role by role, the provider its design chose.
 *
 * Generic over its dependencies so that this leaf layer names no device type: each component
 * says what it needs from the assembler in `D`.
 */
import type { ParamTable } from './spec.ts';

export interface ComponentDef<D = unknown, T = never> {
  readonly name: string;
  readonly description: string;
  readonly params: ParamTable;
  readonly metrics: readonly string[];
  readonly produces: readonly string[];
  readonly consumes: readonly string[];
  readonly addOn?: boolean;
  readonly create?: (deps: D) => T;
}
