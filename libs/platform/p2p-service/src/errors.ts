import { type ErrorMapper, isClientHttpError } from '@flexgrid/platform-service';

/**
 * The one error type of the P2P services: a §15 status and its exact message (P2P-H2, H3). Thrown by handlers and
 * the domain; `mapError` is the one place it (and the body parser's errors) becomes an answer.
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

/**
 * The P2P services' one error mapper (P2P-H1..H3): their errors, and the body parser's (which fail before their
 * routes), as `{success: false, message}` with their status, in `application/json`; anything else is a 500 in the
 * same envelope, logged by the platform with its cause.
 */
export const mapError: ErrorMapper = (error) => {
  const envelope = (status: number, message: string, headers: Readonly<Record<string, string>> = {}) =>
    ({ answer: 'json', status, headers, body: { success: false, message } }) as const;
  if (error instanceof P2PHttpError) return envelope(error.status, error.message, error.headers);
  const type = (error as { type?: unknown } | null)?.type;
  if (type === 'entity.parse.failed') return envelope(400, 'The request body is not valid JSON.');
  if (type === 'entity.too.large') return envelope(413, 'The request body is too large.');
  // A body in a charset or an encoding the parser cannot read is no JSON body (check 0), not a 415 (P2P-H2).
  if (type === 'charset.unsupported' || type === 'encoding.unsupported')
    return envelope(400, 'The request body must be JSON.');
  if (isClientHttpError(error) && error.status === 400) {
    // The router's, for a path parameter that is not valid percent-encoding (its message would quote the value).
    if (error instanceof URIError) return envelope(400, 'The request path is not valid percent-encoding.');
    // The body parser's others: a compressed body that does not inflate, one cut short or longer than announced.
    return envelope(400, 'The request body is not valid JSON.');
  }
  return envelope(500, 'Internal error.');
};
