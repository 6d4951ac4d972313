/**
 * What SetVariable/GetVariable return: the EFI_STATUS values of the UEFI specification's
 * variable services (EFI_SUCCESS, EFI_NOT_READY, EFI_DEVICE_ERROR, EFI_OUT_OF_RESOURCES,
 * EFI_NOT_FOUND, EFI_SECURITY_VIOLATION) that the modelled driver can produce.
 */
export type VariableStatus = 'success' | 'not-ready' | 'device-error' | 'out-of-resources' | 'not-found' | 'security-violation';

export interface SetVariableResult {
  status: VariableStatus;
  /** Key material came from the unsafe counter fallback. */
  degraded: boolean;
  latencyNs: number;
}
