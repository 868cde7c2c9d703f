import { STATUS_CODES } from 'node:http';
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';

/** An RFC 9457 problem details object; extension members are allowed beside the standard ones. */
export interface Problem {
  /** A URI naming the kind of problem; `about:blank` (the default) means "just the HTTP status". */
  type?: string;
  title: string;
  status: number;
  detail?: string;
  /** Defaults to the request's path. */
  instance?: string;
  [extension: string]: unknown;
}

/**
 * An error answer in a protocol's own format rather than a problem document (the P2P `{success, message}`
 * envelope): sent as `application/json` with its status and headers.
 */
export interface ErrorAnswer {
  answer: 'json';
  status: number;
  headers?: Readonly<Record<string, string>>;
  body: unknown;
}

/**
 * The app's one place that turns its own error type (and the body parser's, which fail before its routes) into a
 * problem, or into an answer in its protocol's format. Return undefined for errors it does not know; they become
 * a 500 problem. A 5xx is logged either way.
 */
export type ErrorMapper = (error: unknown) => Problem | ErrorAnswer | undefined;

export const problemContentType = 'application/problem+json';

/** A problem that says no more than its HTTP status and, optionally, a detail. */
export function problemOf(status: number, detail?: string): Problem {
  return {
    type: 'about:blank',
    title: STATUS_CODES[status] ?? 'Error',
    status,
    ...(detail === undefined ? {} : { detail }),
  };
}

export function sendProblem(res: Response, instance: string, problem: Problem): void {
  res
    .status(problem.status)
    .type(problemContentType)
    .send(JSON.stringify({ type: 'about:blank', ...problem, instance: problem.instance ?? instance }));
}

/** The shape of the errors body-parser (and other http-errors users) throw for bad requests. */
interface ClientHttpError {
  status: number;
  expose: true;
  type?: string;
  limit?: number;
  message: string;
}

/**
 * A request error: one of body-parser's (http-errors, `expose`), or the router's for a path parameter that is not
 * valid percent-encoding (a URIError with status 400, whose message quotes the parameter).
 */
export function isClientHttpError(error: unknown): error is ClientHttpError {
  const candidate = error as Partial<ClientHttpError> | null;
  return (
    typeof candidate?.status === 'number' &&
    candidate.status >= 400 &&
    candidate.status < 500 &&
    (candidate.expose === true || error instanceof URIError)
  );
}

function clientProblem(error: ClientHttpError): Problem {
  // The router's message quotes the parameter, which may be a secret (a side key in the path).
  if (error instanceof URIError) return problemOf(400, 'a path parameter is not valid percent-encoding');
  switch (error.type) {
    case 'entity.too.large':
      return problemOf(413, `the request body is larger than the limit of ${error.limit} bytes`);
    case 'entity.parse.failed':
      // The parser's own message quotes the body; the client already has it.
      return problemOf(400, 'the request body is not valid JSON');
    default:
      return problemOf(error.status, error.message);
  }
}

export const notFound: RequestHandler = (req) => {
  throw Object.assign(new Error(`no route for ${req.method} ${req.path}`), { status: 404, expose: true });
};

/**
 * The last handler: the app's mapping first, then request errors from parsers, then 500. A 5xx is logged
 * here and only here, with the request it failed; the client never sees a stack or an internal message.
 */
export function problemResponder(mapError: ErrorMapper | undefined, logger: Logger): ErrorRequestHandler {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- express knows an error handler by its four parameters
  return (error: unknown, req, res, next) => {
    const problem = mapError?.(error) ?? (isClientHttpError(error) ? clientProblem(error) : problemOf(500));
    // The route's pattern, never the URL: a path segment or a query parameter may carry a secret (a side key, a
    // stream's access_token), and logs outlive them. A request no route took is logged by the router it reached.
    const pattern = (req.route as { path?: string } | undefined)?.path;
    const route = `${req.baseUrl}${pattern ?? ' (no route)'}`;
    if (problem.status >= 500) logger.error({ err: error, method: req.method, route }, 'request failed');
    if (res.headersSent) {
      // Too late for a problem document: cut the connection so the client sees a broken response.
      res.destroy();
      return;
    }
    if ('answer' in problem)
      res
        .status(problem.status)
        .set(problem.headers ?? {})
        .json(problem.body);
    else sendProblem(res, req.originalUrl, problem);
  };
}
