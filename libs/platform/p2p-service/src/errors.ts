import { type ErrorMapper } from '@flexgrid/platform-service';
import { type ErrorRequestHandler } from 'express';

/**
 * The one error type of the P2P services: a §15 status and its exact message (P2P-H2, H3). Thrown by handlers and the
 * domain; `wireError` is the one place it (and the body parser's errors) becomes an answer.
 */
export class P2PHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'P2PHttpError';
  }
}

export const invalidParameter = (name: string) =>
  new P2PHttpError(400, `The parameter '${name}' has an invalid value.`);
export const unknownRegistration = (id: string) => new P2PHttpError(404, `Registration '${id}' does not exist.`);
export const sideKeyFailure = (id: string) => new P2PHttpError(403, `Registration '${id}' sideKey failure.`);
export const notJson = () => new P2PHttpError(400, 'The request body must be JSON.');
export const tooLarge = () => new P2PHttpError(413, 'The request body is too large.');
export const operatorTokenRequired = () =>
  new P2PHttpError(401, 'Operator token required.', { 'WWW-Authenticate': 'Bearer' });

interface WireError {
  status: number;
  headers: Readonly<Record<string, string>>;
  body: { success: false; message: string };
}

/** P2P-H1..H3: our errors and the body parser's as `{success: false, message}` with their status. */
export function wireError(error: unknown): WireError | undefined {
  if (error instanceof P2PHttpError)
    return { status: error.status, headers: error.headers, body: { success: false, message: error.message } };
  const type = (error as { type?: unknown } | null)?.type;
  if (type === 'entity.parse.failed')
    return { status: 400, headers: {}, body: { success: false, message: 'The request body is not valid JSON.' } };
  if (type === 'entity.too.large')
    return { status: 413, headers: {}, body: { success: false, message: 'The request body is too large.' } };
  return undefined;
}

/** For the errors raised before the grid's routes (the platform's body parser): the envelope as problem members. */
export const mapError: ErrorMapper = (error) => {
  const wire = wireError(error);
  return wire && { title: wire.body.message, status: wire.status, ...wire.body };
};

/** The grid's routes answer in the §15 envelope, `application/json`. */
export const answerError: ErrorRequestHandler = (error, _req, res, next) => {
  const wire = wireError(error);
  if (!wire) {
    next(error);
    return;
  }
  res.status(wire.status).set(wire.headers).json(wire.body);
};
