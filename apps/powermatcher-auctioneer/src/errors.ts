import {
  encodeMessage,
  isPowerMatcherError,
  type PowerMatcherError,
  type PowerMatcherErrorCode,
} from '@flexgrid/protocol-powermatcher';
import type { ErrorMapper, Problem } from '@flexgrid/platform-service';

/*
 * The app's one error type and its one mapping to the wire: an ERROR message for agents (SPEC §7.6, the
 * protocol's own codes and messages) and application/problem+json for the REST API (§8.3). Lib errors
 * (`PowerMatcherError`) keep their SPEC code and message on both.
 */

/** A refusal of the REST API that is not a protocol rule: authentication, an unknown resource, a bad query. */
export class AuctioneerError extends Error {
  override readonly name = 'AuctioneerError';

  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 503,
    readonly title: string,
    detail: string,
  ) {
    super(detail);
  }
}

/** HTTP status of a protocol refusal on the REST API: what the SPEC's code means for a request. */
const statusOfCode: Partial<Record<PowerMatcherErrorCode, number>> = {
  UNKNOWN_AGENT: 404,
  UNKNOWN_PARENT: 404,
  DUPLICATE_AGENT: 409,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_CONNECTED: 409,
  INTERNAL_ERROR: 500,
};

function protocolProblem(error: PowerMatcherError): Problem {
  return {
    type: `urn:flexgrid:powermatcher:${error.code}`,
    title: error.code,
    status: statusOfCode[error.code] ?? 400,
    detail: error.message,
    code: error.code,
  };
}

export const mapError: ErrorMapper = (error) => {
  if (error instanceof AuctioneerError) return { title: error.title, status: error.status, detail: error.message };
  if (isPowerMatcherError(error)) return protocolProblem(error);
  return undefined;
};

/** The ERROR message of §7.3 (both dialects); `bidNumber` only when known. */
export function errorFrame(code: PowerMatcherErrorCode, message: string, bidNumber?: number | null): string {
  return encodeMessage({
    payloadType: 'ERROR',
    payload: bidNumber === undefined || bidNumber === null ? { code, message } : { code, message, bidNumber },
  });
}
