/**
 * EFI_RNG_PROTOCOL as the model's firmware sees it (UEFI spec §37.5; docs/model.md §3.1–3.2):
 * GetInfo lists algorithms; GetRNG fills a buffer or returns an EFI status. Producers:
 * VirtioRngDxe (RAW only, over virtio-rng) and RngDxe (SP800-90-CTR-256 and RAW, over
 * RDRAND). Consumers never know which one they got (edk2: "a component per folder, named
 * for the protocol it produces", STYLE.md).
 */
import type { AccessContext } from '../devices/access.ts';
import type { Proc } from '../sim/sim.ts';

export type RngAlgorithm = 'RAW' | 'SP800-90-CTR-256';

/** EFI_STATUS values GetRNG returns in the model. */
export type EfiStatus = 'success' | 'not-ready' | 'device-error' | 'unsupported' | 'timeout';

export interface RngResult {
  status: EfiStatus;
  bytes: Uint8Array;
}

export interface EfiRngProtocol {
  /** Producer driver, e.g. 'VirtioRngDxe', 'RngDxe'. */
  readonly name: string;
  /** GetInfo: supported algorithms, preferred first. */
  readonly algorithms: readonly RngAlgorithm[];
  /** Installed and usable now (boot services alive, device connected). */
  available(): boolean;
  /**
   * GetRNG(algorithm, n). `deadlineNs` (absolute virtual time) is a model extension for
   * callers that give up; EFI producers themselves have no timeout (Infinity).
   */
  getRng(ctx: AccessContext, n: number, algorithm?: RngAlgorithm, deadlineNs?: number): Proc<RngResult>;
}

/**
 * A driver that produces EFI_RNG_PROTOCOL, with the boot events its lifecycle follows (the
 * boot timeline, src/designs/assemble.ts, calls them for every producer a design carries, in its
 * LocateProtocol order):
 *  - `entry`: its DXE dispatch (RngDxe installs only if a 64-bit read works);
 *  - `connect`: BDS connects it to its device (PlatformBootManagerLib; VirtioRngDxe sets
 *    DRIVER_OK);
 *  - `exitBootServices`: boot services end (the protocol is gone; VirtioRngDxe resets its device).
 */
export interface EfiRngProducer extends EfiRngProtocol {
  entry?(ctx: AccessContext): Proc<unknown>;
  connect?(): void;
  exitBootServices(): void;
}

/** What a producer component provides: the role of an EFI_RNG_PROTOCOL producer. */
export interface EfiRngProducerProvision {
  'efi-rng-protocol': EfiRngProducer;
}

