/**
 * The SMM-only entropy device on a fixed MMIO address instead of an I/O port: a second
 * variant of our design (docs/model.md §1.7; the I/O-port device is §1.5, §2.1), and the
 * worked example of adding a device (docs/architecture.md "Adding a device").
 *
 * QEMU analogue: a sysbus device whose MMIO region (`sysbus_init_mmio`) is mapped only into
 * q35's SMM address space (`mch->smram`, hw/pci-host/q35.c), gated like pflash `secure=on`
 * (docs/model.md §1.5). Outside SMM the access misses the region and reads all-ones; every
 * such attempt is counted (isolation.blocked), and with `smm-only=false` (the region also
 * mapped for everyone: a misconfiguration) outside reads get real bytes and count as
 * isolation violations.
 *
 * The register block (SIGNATURE, STATUS, DATA, CONTROL), FIFO, backend and gate are the
 * I/O-port device's (../smm-entropy-device.ts), reused by composition: this folder supplies
 * only the MMIO window (base address, exit cost, 8-byte DATA loads, the fw_cfg file holding
 * the address) and its parameters.
 */
import type { ParamTable, ParamValues } from '../../params/spec.ts';
import { SMM_DEVICE_PARAMS, smmDeviceComponent, windowFromParams, type RegisterWindow } from '../smm-entropy-device.ts';

export const SMM_MMIO_DEVICE_NAME = 'smm-mmio-device';

/** The I/O-port device's rows that do not depend on the bus: the gate, the backend, the FIFO. */
const SHARED = new Set(['smm-only', 'backend', 'fifo-bytes', 'retry-ns']);

export const SMM_MMIO_DEVICE_PARAMS: ParamTable = [
  {
    name: 'mmio-base',
    type: 'integer',
    default: 0xfeb00000,
    min: 0x100000,
    max: 0xfffff000,
    description: 'Physical address of the register block (16 bytes), mapped only in the SMM address space.',
    source: "our choice: above OVMF's 32-bit PCI aperture (ends at 0xFC000000) and below the IOAPIC at 0xFEC00000 on q35 (docs/model.md §1.7)",
  },
  {
    name: 'fw-cfg-name',
    type: 'string',
    default: 'opt/org.entropy-bench/smm-entropy-mmio',
    description: 'fw_cfg file announcing the device (contents: mmio-base, little-endian u64).',
    source: 'our choice (fw_cfg opt/ namespace convention, docs/model.md §1.7)',
  },
  {
    name: 'mmio-exit-ns',
    type: 'number',
    unit: 'ns',
    default: 10000,
    min: 0,
    description: 'One MMIO load or store to the device (EPT misconfiguration exit, instruction decode, userspace exit to QEMU).',
    source: 'estimate: docs/model.md §0 row 24 (≈5–15 µs), §1.7',
  },
  ...SMM_DEVICE_PARAMS.filter((p) => SHARED.has(p.name)),
];

/**
 * The MMIO window: DATA is read with 8-byte loads (an x86-64 MOV; QEMU MemoryRegionOps
 * `.valid.max_access_size = 8`), so n bytes take ⌈n/8⌉ exits instead of the port's ⌈n/4⌉;
 * fw_cfg holds the address as a u64.
 */
export function mmioWindow(params: ParamValues): RegisterWindow {
  return windowFromParams(params, 'mmio', { base: 'mmio-base', exitNs: 'mmio-exit-ns' }, 8, 8);
}

/** Its component descriptor (src/params/component.ts): an add-on, built only in designs that pick it. */
export const SMM_MMIO_DEVICE_COMPONENT = smmDeviceComponent({
  name: SMM_MMIO_DEVICE_NAME,
  description: 'the SMM-only platform entropy device on a fixed MMIO address mapped only for SMM (our design, docs/model.md §1.7)',
  params: SMM_MMIO_DEVICE_PARAMS,
  window: mmioWindow,
  addOn: true,
});
