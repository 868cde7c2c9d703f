/** RFC 9457 problem details, as the flexgrid services answer errors (application/problem+json). */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  [extension: string]: unknown;
}

export const problemContentType = 'application/problem+json';

/** A failed request as a problem: the server's own problem document, or one made from what came back. */
export class ProblemError extends Error {
  constructor(
    readonly problem: Problem,
    /** The request's method and URL, for the message and the error display. */
    readonly request: string,
  ) {
    super(
      `${request}: ${problem.status ? `${problem.status} ` : ''}${problem.title}${problem.detail ? `: ${problem.detail}` : ''}`,
    );
    this.name = 'ProblemError';
  }

  get status(): number {
    return this.problem.status;
  }
}

/**
 * The problem a response's body stands for. A problem+json body is taken as is (its status defaulting to the
 * response's); anything else, such as a proxy's HTML error page, becomes an about:blank problem whose detail is
 * the start of the body.
 */
export function problemFromResponse(
  status: number,
  statusText: string,
  contentType: string | null,
  body: string,
): Problem {
  const mediaType = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (mediaType === problemContentType || mediaType === 'application/json') {
    try {
      const parsed: unknown = JSON.parse(body);
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
        const fields = parsed as Record<string, unknown>;
        if (mediaType === problemContentType || typeof fields['title'] === 'string') {
          return {
            ...fields,
            type: typeof fields['type'] === 'string' ? fields['type'] : 'about:blank',
            title: typeof fields['title'] === 'string' ? fields['title'] : statusText || `HTTP ${status}`,
            status: typeof fields['status'] === 'number' ? fields['status'] : status,
          };
        }
      }
    } catch {
      // Not JSON after all: described below like any other body.
    }
  }
  const text = body.trim();
  return {
    type: 'about:blank',
    title: statusText || `HTTP ${status}`,
    status,
    ...(text ? { detail: text.length > 500 ? `${text.slice(0, 500)}…` : text } : {}),
  };
}

export type FetchFunction = (input: string, init?: RequestInit) => Promise<Response>;

/**
 * `fetch` for a page's own API: the parsed JSON body (undefined for 204), or a thrown ProblemError for an HTTP
 * error or a failed connection (status 0), so a page has one kind of error to show.
 */
export async function fetchJson<T>(url: string, init: RequestInit = {}, fetchImpl: FetchFunction = fetch): Promise<T> {
  const method = (init.method ?? 'GET').toUpperCase();
  const request = `${method} ${url}`;
  const headers = new Headers(init.headers);
  if (!headers.has('accept')) headers.set('accept', `application/json, ${problemContentType}`);
  if (init.body !== undefined && typeof init.body === 'string' && !headers.has('content-type')) {
    headers.set('content-type', 'application/json');
  }
  let response: Response;
  try {
    response = await fetchImpl(url, { ...init, headers });
  } catch (error) {
    if (init.signal?.aborted) throw error;
    throw new ProblemError(
      {
        type: 'about:blank',
        title: 'Network error',
        status: 0,
        detail: error instanceof Error ? error.message : String(error),
      },
      request,
    );
  }
  const body = await response.text();
  if (!response.ok) {
    throw new ProblemError(
      problemFromResponse(response.status, response.statusText, response.headers.get('content-type'), body),
      request,
    );
  }
  if (response.status === 204 || body === '') return undefined as T;
  try {
    return JSON.parse(body) as T;
  } catch {
    throw new ProblemError(
      {
        type: 'about:blank',
        title: 'Invalid response',
        status: response.status,
        detail: 'the response body is not JSON',
      },
      request,
    );
  }
}
