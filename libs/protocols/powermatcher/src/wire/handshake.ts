import { createHash, timingSafeEqual } from 'node:crypto';
import type { PowerMatcherErrorCode } from '../errors';
import { type CloseInstruction, closeReason, REFUSAL_CLOSE_CODES } from './close-codes';
import { encodeMessage } from './messages';

/*
 * The websocket upgrade of SPEC §7.1–§7.3 (PM-WS-1, PM-WS-2, PM-WS-3) as a pure decision: which dialect, which
 * agent and parent, or which refusal, checked in the SPEC's order before any agent state exists.
 */

export type Dialect = '1.9' | 'v2.1';

/** §7.1: the 1.9 path names the parent; the v2.1 path uses the configured one. */
export const AGENT_ENDPOINTS: Readonly<Record<Dialect, string>> = {
  '1.9': '/powermatcher/websockets/agentendpoint',
  'v2.1': '/powermatcher/websocket',
};

/** §6.1: the id syntax of agents and matchers. */
export const AGENT_ID_PATTERN = /^[A-Za-z0-9._~:@-]{1,128}$/;

/** PM-WS-3: `none`, or SHA-256 hex digests of bearer tokens per agent id or id prefix (`prefix*`). */
export type AgentAuth =
  { readonly mode: 'none' } | { readonly mode: 'token'; readonly tokens: Readonly<Record<string, string>> };

export interface HandshakeRequest {
  /** The request target: path and query string. */
  readonly url: string;
  /** The `Authorization` header, if any. */
  readonly authorization?: string | null;
}

export interface HandshakeContext {
  readonly connectionCount: number;
  readonly maxConnections: number;
  readonly auth: AgentAuth;
  /** `PM_V21_PARENT_ID`: the parent of agents on the v2.1 path. */
  readonly v21ParentId: string;
  /** Whether a registered local matcher has this id (check 4). */
  readonly isMatcher: (id: string) => boolean;
  /** Whether an agent or local component with this id is connected or pending (check 5). */
  readonly isTaken: (id: string) => boolean;
}

export interface HandshakeRefusal {
  readonly code: PowerMatcherErrorCode;
  readonly close: number;
  readonly message: string;
}

export type HandshakeOutcome =
  | {
      readonly kind: 'accept';
      readonly dialect: Dialect;
      readonly agentId: string;
      readonly parentId: string;
      readonly connectionId: string | null;
    }
  /** Check 1: answer HTTP 503 without upgrading. */
  | { readonly kind: 'unavailable'; readonly httpStatus: 503 }
  /** Upgrade only to deliver the reason: `refusalFrames` gives the ERROR and the close. */
  | ({ readonly kind: 'refuse' } & HandshakeRefusal)
  /** Not a PowerMatcher endpoint. */
  | { readonly kind: 'notFound' };

function refuse(code: keyof typeof REFUSAL_CLOSE_CODES, message: string): HandshakeOutcome {
  return { kind: 'refuse', code, close: REFUSAL_CLOSE_CODES[code], message };
}

/** Check 2 for one parameter: present once, non-empty, valid syntax (query values are form-URL-decoded). */
function readId(query: URLSearchParams, name: string): string | HandshakeOutcome {
  const values = query.getAll(name);
  if (values.length === 0 || values[0] === '')
    return refuse('INVALID_PARAMETER', `${name} is missing from querystring`);
  if (values.length > 1) return refuse('INVALID_PARAMETER', `${name} is given more than once`);
  const value = values[0] as string;
  if (!AGENT_ID_PATTERN.test(value)) return refuse('INVALID_PARAMETER', `${name} is not a valid id`);
  return value;
}

function sha256(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

function sameDigest(digest: Buffer, hex: string): boolean {
  const expected = /^[0-9a-fA-F]{64}$/.test(hex) ? Buffer.from(hex, 'hex') : null;
  return expected !== null && timingSafeEqual(digest, expected);
}

/** The configured key that applies to an agent: its own id, else the longest matching `prefix*`. */
function applicableKey(tokens: Readonly<Record<string, string>>, agentId: string): string | undefined {
  if (Object.hasOwn(tokens, agentId)) return agentId;
  let best: string | undefined;
  for (const key of Object.keys(tokens)) {
    if (key.endsWith('*') && agentId.startsWith(key.slice(0, -1)) && (best === undefined || key.length > best.length))
      best = key;
  }
  return best;
}

/** Check 3 (PM-WS-3): the bearer token from the header, or `access_token` for clients that cannot set headers. */
function checkToken(
  auth: AgentAuth,
  request: HandshakeRequest,
  query: URLSearchParams,
  agentId: string,
): HandshakeOutcome | null {
  const header = /^Bearer\s+(\S+)$/i.exec(request.authorization ?? '');
  const refusal = agentTokenRefusal(auth, header?.[1] ?? query.get('access_token'), agentId);
  return refusal ? refuse(refusal.code, refusal.message) : null;
}

/**
 * PM-WS-3 for any request an agent makes (the upgrade, a remote concentrator's report of its subtree): null when
 * `token` is valid for `agentId` or auth is off, else why not (`UNAUTHORIZED` or `FORBIDDEN`).
 */
export function agentTokenRefusal(
  auth: AgentAuth,
  token: string | null,
  agentId: string,
): { code: 'UNAUTHORIZED' | 'FORBIDDEN'; message: string } | null {
  if (auth.mode === 'none') return null;
  if (!token) return { code: 'UNAUTHORIZED', message: 'Missing or invalid token' };
  const digest = sha256(token);
  const key = applicableKey(auth.tokens, agentId);
  if (key !== undefined && sameDigest(digest, auth.tokens[key] as string)) return null;
  // A token that is valid for some other agent is forbidden here; any other token is invalid.
  const known = Object.values(auth.tokens).some((hex) => sameDigest(digest, hex));
  return known
    ? { code: 'FORBIDDEN', message: `Token not valid for agent [${agentId}]` }
    : { code: 'UNAUTHORIZED', message: 'Missing or invalid token' };
}

/** §7.2: the upgrade decision, checks in order: capacity, parameters, token, parent, duplicate. */
export function checkHandshake(request: HandshakeRequest, context: HandshakeContext): HandshakeOutcome {
  let url: URL;
  try {
    url = new URL(request.url, 'ws://powermatcher.invalid');
  } catch {
    return { kind: 'notFound' };
  }
  const dialect = (Object.keys(AGENT_ENDPOINTS) as Dialect[]).find((d) => AGENT_ENDPOINTS[d] === url.pathname);
  if (!dialect) return { kind: 'notFound' };
  if (context.connectionCount >= context.maxConnections) return { kind: 'unavailable', httpStatus: 503 };
  const query = url.searchParams;
  const agentId = readId(query, 'agentId');
  if (typeof agentId !== 'string') return agentId;
  let parentId = context.v21ParentId;
  if (dialect === '1.9') {
    const desired = readId(query, 'desiredConnectionId');
    if (typeof desired !== 'string') return desired;
    parentId = desired;
  }
  const tokenRefusal = checkToken(context.auth, request, query, agentId);
  if (tokenRefusal) return tokenRefusal;
  if (!context.isMatcher(parentId)) return refuse('UNKNOWN_PARENT', `Desired parent [${parentId}] does not exist`);
  if (context.isTaken(agentId)) return refuse('DUPLICATE_AGENT', `An agent with id [${agentId}] was already connected`);
  return {
    kind: 'accept',
    dialect,
    agentId,
    parentId,
    connectionId: dialect === 'v2.1' ? query.get('connectionId') : null,
  };
}

/** What a refused connection receives (§7.2): one ERROR message, then the close with the message as reason. */
export function refusalFrames(refusal: HandshakeRefusal): { error: string; close: CloseInstruction } {
  return {
    error: encodeMessage({ payloadType: 'ERROR', payload: { code: refusal.code, message: refusal.message } }),
    close: { code: refusal.close, reason: closeReason(refusal.message) },
  };
}
