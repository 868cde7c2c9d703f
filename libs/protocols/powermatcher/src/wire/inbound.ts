import { checkDemand } from '../bid';
import { isPowerMatcherError, type PowerMatcherErrorCode } from '../errors';
import { type MarketBasis, marketBasisEquals } from '../market-basis';
import { type PricePoint, pointBidDemand } from '../point-bid';
import { type CloseInstruction, TOO_MANY_ERRORS } from './close-codes';
import {
  type ErrorPayload,
  invalidMessage,
  isObject,
  PAYLOAD_TYPES,
  parseJson,
  readBidContent,
  readBidNumber,
  readMarketBasisShape,
} from './messages';

/*
 * The inbound side of one agent connection (SPEC §7.6, PM-ERR-1) as pure functions of (connection state, frame,
 * time): the ordered frame checks, the per-agent token bucket and the error budget. The host keeps the state
 * value, applies each result in frame order, sends the ERROR and closes when told.
 */

/** §7.7 limits: `PM_AGENT_BIDS_PER_SECOND`, `PM_AGENT_BID_BURST`, `PM_MAX_ERRORS_PER_MINUTE`. */
export interface InboundLimits {
  readonly bidsPerSecond: number;
  readonly bidBurst: number;
  readonly maxErrorsPerMinute: number;
}

export const DEFAULT_INBOUND_LIMITS: InboundLimits = { bidsPerSecond: 2, bidBurst: 10, maxErrorsPerMinute: 60 };

const ERROR_WINDOW_MS = 60_000;

export interface InboundConnection {
  /** The cluster info sent on this connection, or null before CLUSTERINFO (check 7). */
  readonly clusterInfo: { readonly clusterId: string; readonly marketBasis: MarketBasis } | null;
  readonly tokens: number;
  readonly tokensAt: number;
  /** When each ERROR of the last minute was sent. */
  readonly errorTimes: readonly number[];
}

/** A bid that passed every check: the demand array (converted from price points if it came as those). */
export interface AcceptedBid {
  readonly marketBasis: MarketBasis;
  readonly bidNumber: number;
  readonly demand: number[];
  readonly pricePoints?: PricePoint[];
}

export type FrameOutcome =
  | { readonly accepted: AcceptedBid }
  | {
      readonly error: ErrorPayload & { readonly code: PowerMatcherErrorCode };
      readonly close: CloseInstruction | null;
    };

/** A new connection: a full bucket, no cluster info yet, no errors. */
export function openInboundConnection(now: number, limits: InboundLimits = DEFAULT_INBOUND_LIMITS): InboundConnection {
  return { clusterInfo: null, tokens: limits.bidBurst, tokensAt: now, errorTimes: [] };
}

/** CLUSTERINFO went out on this connection: bids are now checked against its market basis. */
export function clusterInfoSent(
  connection: InboundConnection,
  clusterInfo: { readonly clusterId: string; readonly marketBasis: MarketBasis },
): InboundConnection {
  return { ...connection, clusterInfo };
}

/**
 * Counts one ERROR sent at `now` against the budget; `close` is 1008 when more than the limit were sent within
 * the last 60 s (this one included). Errors the host sends for other reasons count too.
 */
export function recordErrorSent(
  connection: InboundConnection,
  now: number,
  limits: InboundLimits = DEFAULT_INBOUND_LIMITS,
): { connection: InboundConnection; close: CloseInstruction | null } {
  const errorTimes = [...connection.errorTimes.filter((time) => time > now - ERROR_WINDOW_MS), now];
  // Only the last limit + 1 matter for the decision.
  const kept = errorTimes.slice(-(limits.maxErrorsPerMinute + 1));
  return {
    connection: { ...connection, errorTimes: kept },
    close: errorTimes.length > limits.maxErrorsPerMinute ? TOO_MANY_ERRORS : null,
  };
}

class FrameRejection extends Error {
  constructor(
    readonly code: PowerMatcherErrorCode,
    message: string,
    readonly bidNumber: number | undefined,
    readonly connection: InboundConnection,
  ) {
    super(message);
  }
}

/**
 * §7.6: checks one inbound frame in order (text, JSON, payloadType, BID, bid number, rate, cluster info, market
 * basis, demand or price points, bid validity). Returns the new connection state and either the accepted bid
 * or the ERROR to send (counted against the budget, with the close that follows when it is exceeded). Never
 * throws: an unexpected failure is `INTERNAL_ERROR`.
 */
export function checkInboundFrame(
  connection: InboundConnection,
  frame: string | Uint8Array,
  now: number,
  limits: InboundLimits = DEFAULT_INBOUND_LIMITS,
): { connection: InboundConnection; outcome: FrameOutcome } {
  try {
    return checkFrame(connection, frame, now, limits);
  } catch (error) {
    const rejection =
      error instanceof FrameRejection
        ? error
        : new FrameRejection('INTERNAL_ERROR', 'Internal error', undefined, connection);
    const payload = { code: rejection.code, message: rejection.message };
    const counted = recordErrorSent(rejection.connection, now, limits);
    const withNumber = rejection.bidNumber === undefined ? payload : { ...payload, bidNumber: rejection.bidNumber };
    return { connection: counted.connection, outcome: { error: withNumber, close: counted.close } };
  }
}

/**
 * Runs one check with what is known so far (the state after check 6 has taken its token, the bid number once
 * check 5 passed), so that even an unexpected failure is answered as §7.6 says: `INTERNAL_ERROR` with the bid
 * number, and the token stays taken.
 */
function attempt<T>(body: () => T, state: InboundConnection, bidNumber?: number, code?: PowerMatcherErrorCode): T {
  try {
    return body();
  } catch (error) {
    if (!isPowerMatcherError(error)) throw new FrameRejection('INTERNAL_ERROR', 'Internal error', bidNumber, state);
    throw new FrameRejection(code ?? error.code, error.message, bidNumber, state);
  }
}

/** Checks 3 and 4: a BID envelope; returns its payload. */
function bidPayload(json: unknown): Record<string, unknown> {
  if (!isObject(json) || typeof json['payloadType'] !== 'string') throw invalidMessage('payloadType is required');
  const payloadType = json['payloadType'];
  if (!(PAYLOAD_TYPES as readonly string[]).includes(payloadType))
    throw invalidMessage(`Unknown payloadType [${payloadType}]`);
  if (payloadType !== 'BID') throw invalidMessage(`payloadType [${payloadType}] is not accepted from an agent`);
  const payload = json['payload'];
  if (!isObject(payload)) throw invalidMessage('payload must be an object');
  return payload;
}

function checkFrame(
  connection: InboundConnection,
  frame: string | Uint8Array,
  now: number,
  limits: InboundLimits,
): { connection: InboundConnection; outcome: FrameOutcome } {
  if (typeof frame !== 'string')
    throw new FrameRejection('INVALID_MESSAGE', 'Binary frames are not supported', undefined, connection);
  const json = attempt(() => parseJson(frame), connection);
  const payload = attempt(() => bidPayload(json), connection);
  const bidNumber = attempt(() => readBidNumber(payload), connection);
  const state = takeToken(connection, now, limits, bidNumber);
  const clusterInfo = state.clusterInfo;
  if (!clusterInfo) throw new FrameRejection('NOT_CONNECTED', 'Not connected to the cluster', bidNumber, state);
  const basis = clusterInfo.marketBasis;
  if (
    !marketBasisEquals(
      attempt(() => readMarketBasisShape(payload), state, bidNumber),
      basis,
    )
  ) {
    throw new FrameRejection(
      'MARKET_BASIS_MISMATCH',
      'Marketbasis new bid differs from marketbasis auctioneer',
      bidNumber,
      state,
    );
  }
  const content = attempt(() => readBidContent(payload), state, bidNumber);
  const accepted: AcceptedBid = attempt(
    () =>
      'demand' in content
        ? { marketBasis: basis, bidNumber, demand: checkDemand(basis, content.demand) }
        : {
            marketBasis: basis,
            bidNumber,
            demand: pointBidDemand(basis, content.pricePoints),
            pricePoints: content.pricePoints,
          },
    state,
    bidNumber,
    'INVALID_BID',
  );
  return { connection: state, outcome: { accepted } };
}

/** §7.6 check 6: refill continuously, then take one token; with fewer than one the frame is refused. */
function takeToken(
  connection: InboundConnection,
  now: number,
  limits: InboundLimits,
  bidNumber: number,
): InboundConnection {
  const elapsed = Math.max(0, now - connection.tokensAt);
  const tokens = Math.min(limits.bidBurst, connection.tokens + (elapsed * limits.bidsPerSecond) / 1000);
  const refilled = { ...connection, tokens, tokensAt: now };
  if (tokens < 1) {
    throw new FrameRejection(
      'RATE_LIMITED',
      `Bid rate exceeded (${limits.bidsPerSecond}/s, burst ${limits.bidBurst})`,
      bidNumber,
      refilled,
    );
  }
  return { ...refilled, tokens: tokens - 1 };
}
