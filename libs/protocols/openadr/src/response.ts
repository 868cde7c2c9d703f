/** TR-5 and TR-6: eiResponse codes and how their descriptions read. */
import type { EiResponse } from './payloads/common';

export const EI_RESPONSE_CODES = {
  OK: '200',
  OUT_OF_SEQUENCE: '450',
  NOT_ALLOWED: '451',
  INVALID_ID: '452',
  INVALID_DATA: '454',
  COMPLIANCE_ERROR: '459',
  SIGNAL_NOT_SUPPORTED: '460',
  REPORT_NOT_SUPPORTED: '461',
  TARGET_MISMATCH: '462',
  NOT_REGISTERED_OR_AUTHORIZED: '463',
  OTHER: '469',
} as const;

export type EiResponseName = keyof typeof EI_RESPONSE_CODES;
export type EiResponseCode = (typeof EI_RESPONSE_CODES)[EiResponseName];

const NAMES = new Map(
  Object.entries(EI_RESPONSE_CODES).map(([name, code]) => [code as string, name as EiResponseName]),
);

/** The TR-5 name of a code, if it is one of ours. */
export function eiResponseName(code: string): EiResponseName | undefined {
  return NAMES.get(code);
}

/** Every code but OK; their descriptions need a reason (TR-6). */
export type EiErrorName = Exclude<EiResponseName, 'OK'>;

/**
 * An eiResponse with the code of TR-5 and the description of TR-6 (`OK`, else `<NAME>: <reason>`), echoing
 * `requestID` (RID-1, RID-2).
 */
export function eiResponse(name: 'OK', requestID: string): EiResponse;
export function eiResponse(name: EiErrorName, requestID: string, reason: string): EiResponse;
export function eiResponse(name: EiResponseName, requestID: string, reason?: string): EiResponse {
  const responseDescription = name === 'OK' || !reason ? name : `${name}: ${reason}`;
  return { responseCode: EI_RESPONSE_CODES[name], responseDescription, requestID };
}
