import type { ErrorMapper } from '@flexgrid/platform-service';
import { TranscriptImportError } from '@flexgrid/protocol-s2';

/*
 * The analyzer's one error type and its one mapping to the wire: HTTP problem+json (RFC 9457). On the S2 side the
 * analyzer never answers on anyone's behalf: it forwards, so it has no S2 errors of its own to send.
 */

export type AnalyzerErrorKind = 'not-found' | 'bad-request' | 'unauthorized' | 'conflict';

const statusOf: Record<AnalyzerErrorKind, { status: number; title: string }> = {
  'not-found': { status: 404, title: 'Not Found' },
  'bad-request': { status: 400, title: 'Bad Request' },
  unauthorized: { status: 401, title: 'Unauthorized' },
  conflict: { status: 409, title: 'Conflict' },
};

export class AnalyzerError extends Error {
  constructor(
    readonly kind: AnalyzerErrorKind,
    message: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AnalyzerError';
  }
}

export const mapError: ErrorMapper = (error) => {
  if (error instanceof TranscriptImportError)
    return {
      type: 'urn:flexgrid:s2-analyzer:transcript-import',
      title: 'Not a usable transcript',
      status: 400,
      detail: error.message,
      line: error.line,
    };
  if (error instanceof AnalyzerError) {
    const { status, title } = statusOf[error.kind];
    return { title, status, detail: error.message, ...error.extensions };
  }
  return undefined;
};
