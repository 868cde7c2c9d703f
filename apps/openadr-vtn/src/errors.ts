/**
 * The VTN's one error type and its one mapping to the wire: OpenADR eiResponse codes (TR-5, TR-6) for
 * protocol refusals, HTTP problem+json (TR-4, API-1) for transport and operator API errors.
 */
import { EI_RESPONSE_CODES, type EiErrorName, eiResponse, type EiResponse } from '@flexgrid/protocol-openadr';
import type { Problem } from '@flexgrid/platform-service';

export interface ProblemPointer {
  readonly pointer: string;
  readonly message: string;
}

type VtnErrorCode =
  | { readonly kind: 'ei'; readonly name: EiErrorName }
  | {
      readonly kind: 'http';
      readonly status: 400 | 401 | 403 | 404 | 405 | 409 | 412 | 413 | 415 | 422 | 429 | 503;
      readonly title: string;
    };

/** Everything the VTN refuses, as the protocol or the operator API says it. */
export class VtnError extends Error {
  override readonly name = 'VtnError';
  constructor(
    readonly code: VtnErrorCode,
    message: string,
    readonly details: {
      readonly errors?: readonly ProblemPointer[];
      readonly headers?: Readonly<Record<string, string>>;
    } = {},
  ) {
    super(message);
  }

  /** A refusal answered with HTTP 200 and the answer payload carrying this eiResponse code (TR-3). */
  static ei(name: EiErrorName, reason: string): VtnError {
    return new VtnError({ kind: 'ei', name }, reason);
  }

  static http(status: Extract<VtnErrorCode, { kind: 'http' }>['status'], title: string, detail: string): VtnError {
    return new VtnError({ kind: 'http', status, title }, detail);
  }

  static unprocessable(errors: readonly ProblemPointer[]): VtnError {
    return new VtnError({ kind: 'http', status: 422, title: 'Unprocessable content' }, errors[0]?.message ?? '', {
      errors,
    });
  }
}

/** PostgreSQL unreachable, restarting or failing over: the client should come back (TR-4). */
export function isDatabaseUnavailable(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code ?? '';
  const message = error instanceof Error ? error.message : '';
  return (
    [
      'ECONNREFUSED',
      'ECONNRESET',
      'ETIMEDOUT',
      'EPIPE',
      '57P01',
      '57P02',
      '57P03',
      '08006',
      '08001',
      '08003',
      '53300',
    ].includes(code) ||
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended unexpectedly/.test(
      message,
    )
  );
}

/** Seconds a client waits after a 503 (TR-4). */
export const RETRY_AFTER_SECONDS = 5;

/**
 * TR-4's problem+json for an HTTP-level refusal, 503 when the database is unavailable (OpenADR listener and
 * operator API alike), or undefined for eiResponse refusals and foreign errors.
 */
export function problemOf(error: unknown): Problem | undefined {
  if (isDatabaseUnavailable(error))
    return { title: 'Service unavailable', status: 503, detail: 'the database is unavailable; retry later' };
  if (!(error instanceof VtnError) || error.code.kind !== 'http') return undefined;
  return {
    title: error.code.title,
    status: error.code.status,
    detail: error.message.length > 1024 ? `${error.message.slice(0, 1023)}…` : error.message,
    ...(error.details.errors && { errors: error.details.errors }),
  };
}

/** The eiResponse of a protocol refusal (TR-6: `<NAME>: <reason>`), echoing requestID (RID-1). */
export function eiResponseOf(error: VtnError, requestID: string): EiResponse {
  if (error.code.kind !== 'ei') throw error;
  return eiResponse(error.code.name, requestID, error.message);
}

export const NOT_REGISTERED = EI_RESPONSE_CODES.NOT_REGISTERED_OR_AUTHORIZED;
