/**
 * The SMM variable driver with confidentiality (docs/model.md §3.7), one concern per file as in
 * edk2 (MdeModulePkg/Universal/Variable/RuntimeDxe, FaultTolerantWriteDxe):
 *  - ./params.ts          its model parameters;
 *  - ./record.ts          the record format (edk2 VariableFormat.h states) and its AES-256-GCM seal;
 *  - ./ftw.ts             the fault-tolerant write of the store (FaultTolerantWriteDxe);
 *  - ./key-material.ts    the SMM CTR_DRBG and key ‖ nonce per write (SP 800-90A);
 *  - ./entropy-policy.ts  seeding from the privileged source: wait / fail / degrade, and
 *                         fail closed or fall back on a failed source (SP 800-90B §4.3/§4.4);
 *  - ./status.ts          the EFI_STATUS values it returns;
 *  - ./driver.ts          SetVariable / GetVariable / reclaim / recover / verifyAll.
 * This file is its public API and its component descriptor.
 */
import type { ComponentDef } from '../../params/component.ts';
import { SMM_VARIABLE_PARAMS } from './params.ts';

export { SMM_VARIABLE_PARAMS } from './params.ts';
export { SmmVariableDriver, isDeleteRequest, type LedgerEntry, type LedgerValue } from './driver.ts';
export { ATTR_ACCESS, ATTR_APPEND_WRITE, ATTR_NV_BS_RT, ATTR_TIME_BASED_AUTH, VAR_ADDED, VAR_DELETED, VAR_HEADER_VALID_ONLY, VAR_IN_DELETED_TRANSITION, type ParsedRecord } from './record.ts';
export type { SetVariableResult, VariableStatus } from './status.ts';

/** Its component descriptor (src/params/component.ts): scenario key, parameters, metrics it records, roles. */
export const SMM_VARIABLE_COMPONENT: ComponentDef = {
  name: 'smm-variable',
  description: 'the SMM variable driver with its encrypted store and DRBG (docs/model.md §3.7)',
  params: SMM_VARIABLE_PARAMS,
  metrics: ['setvariable.completed', 'setvariable.failed', 'setvariable.rate', 'setvariable.latency', 'starvation.total', 'starvation.longest', 'starvation.waits', 'fail-closed', 'degraded-setvariables', 'variables.checked', 'variables.ok', 'variables.lost', 'health.rct', 'health.apt'],
  produces: ['uefi-variables'],
  consumes: ['privileged-source', 'smi', 'smram', 'pflash'],
};
