import type { IncomingMessage } from 'node:http';
import type { Service } from '@flexgrid/platform-service';
import type { Side } from '@flexgrid/protocol-s2';
import type { LiveFeed } from '../domain/live-feed';
import type { PairRegistry } from '../domain/pairs';
import type { BearerToken } from '../http/bearer';

/*
 * The websocket endpoints: the drop-in URLs of the Python analyzer (the RM at /backend/rm/{rmId}/cem/{cemId}/ws,
 * the CEM at /backend/cem/{cemId}/rm/{rmId}/ws) and the live stream /api/live[?session=<id>].
 */

const RM_PATH = '/backend/rm/:rmId/cem/:cemId/ws';
const CEM_PATH = '/backend/cem/:cemId/rm/:rmId/ws';
const MAX_ID_LENGTH = 256;

/** A pair id from the path: percent-decoded, 1 to 256 characters, no control characters. */
export function pairId(segment: string | undefined): string | undefined {
  if (segment === undefined) return undefined;
  let id: string;
  try {
    id = decodeURIComponent(segment);
  } catch {
    return undefined;
  }
  // eslint-disable-next-line no-control-regex
  return id.length > 0 && id.length <= MAX_ID_LENGTH && !/[\x00-\x1f\x7f]/.test(id) ? id : undefined;
}

/** The side and pair ids of a drop-in URL, or undefined. */
export function pairOf(url: string | undefined): { side: Side; rmId: string; cemId: string } | undefined {
  const segments = new URL(url ?? '/', 'http://request.invalid').pathname.split('/');
  // ['', 'backend', 'rm'|'cem', id, 'cem'|'rm', id, 'ws']
  const [, , first, firstId, second, secondId] = segments;
  const a = pairId(firstId);
  const b = pairId(secondId);
  if (a === undefined || b === undefined) return undefined;
  if (first === 'rm' && second === 'cem') return { side: 'RM', rmId: a, cemId: b };
  if (first === 'cem' && second === 'rm') return { side: 'CEM', rmId: b, cemId: a };
  return undefined;
}

export interface EndpointOptions {
  maxFrameBytes: number;
  token: BearerToken | undefined;
  /** Negotiate permessage-deflate when a side offers it (RULES §2.1: SHOULD be supported). */
  perMessageDeflate: boolean;
}

export function registerEndpoints(
  service: Service,
  registry: PairRegistry,
  live: LiveFeed,
  { maxFrameBytes, token, perMessageDeflate }: EndpointOptions,
): void {
  const verify = (request: IncomingMessage) =>
    token?.verifyUpgrade(request) ??
    (pairOf(request.url) ? undefined : { status: 400, detail: 'rmId and cemId must be 1 to 256 printable characters' });
  const relay = (socket: Parameters<Parameters<Service['websocket']>[1]>[0], request: IncomingMessage) => {
    const pair = pairOf(request.url);
    if (!pair) return socket.close(1008, 'bad pair ids');
    registry.connect(pair.side, pair.rmId, pair.cemId, socket, 'relay');
  };
  // Compression is per hop: forwarding stays message-exact whatever each side negotiated.
  service.websocket(RM_PATH, relay, { maxPayloadBytes: maxFrameBytes, perMessageDeflate, verify });
  service.websocket(CEM_PATH, relay, { maxPayloadBytes: maxFrameBytes, perMessageDeflate, verify });
  service.websocket(
    '/api/live',
    (socket, request) => {
      const session = new URL(request.url ?? '/', 'http://request.invalid').searchParams.get('session');
      live.subscribe(socket, session ?? undefined);
    },
    { maxPayloadBytes: 4096, verify: token?.verifyUpgrade },
  );
}
