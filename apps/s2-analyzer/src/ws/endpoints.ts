import type { IncomingMessage } from 'node:http';
import type { Service } from '@flexgrid/platform-service';
import type { PerMessageDeflateOptions } from 'ws';
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

/**
 * permessage-deflate (RFC 7692) as the analyzer negotiates it on every hop, accepting it on the drop-in URLs and
 * offering it when it dials: without context takeover in either direction, so that neither the analyzer nor a
 * ws-based peer compresses a frame below 1 KiB (nearly every S2 message). ws applies `threshold` only to a sender
 * without context takeover; with takeover it compresses every frame, and compressing each small frame on its
 * way in and out costs more CPU than everything else the analyzer does with it. Compression is per hop: ws
 * inflates what it receives, so the frame forwarded is the sent message itself, whatever either hop negotiated.
 */
export const PER_MESSAGE_DEFLATE: PerMessageDeflateOptions = {
  serverNoContextTakeover: true,
  clientNoContextTakeover: true,
  threshold: 1024,
};

export interface EndpointOptions {
  maxFrameBytes: number;
  token: BearerToken | undefined;
  /** `PER_MESSAGE_DEFLATE` when a side offers it (RULES §2.1: SHOULD be supported), or false. */
  perMessageDeflate: PerMessageDeflateOptions | false;
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
