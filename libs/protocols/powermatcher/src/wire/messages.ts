import { isBidNumber } from '../bid-number';
import { PowerMatcherError } from '../errors';
import { type MarketBasis, marketBasis as checkMarketBasis } from '../market-basis';
import type { PricePoint } from '../point-bid';
import { gsonDouble, gsonInteger, gsonString } from './gson-text';

/*
 * The websocket messages of SPEC §7.3 (PM-WS-4), the same on the 1.9 and the v2.1 path: one JSON object per
 * text frame, `{"payloadType": …, "payload": {…}}`. The types mirror the wire; the encoder writes v2.1's bytes
 * (§7.4), the decoder reads strict JSON (§7.5).
 */

export interface ClusterInfoPayload {
  readonly marketBasis: MarketBasis;
  readonly clusterId: string;
}

/** A bid carries a demand array or price points (1.9), never both. */
export type BidPayload =
  | { readonly marketBasis: MarketBasis; readonly demand: readonly number[]; readonly bidNumber: number }
  | { readonly marketBasis: MarketBasis; readonly pricePoints: readonly PricePoint[]; readonly bidNumber: number };

export interface PriceUpdatePayload {
  readonly marketBasis: MarketBasis;
  readonly bidNumber: number;
  /** Null when the message carried no valid price (§7.5: handled as `Price cannot be null`). */
  readonly priceValue: number | null;
}

/** Ours (§7.6): why a frame or a connection was refused; `bidNumber` when it was known. */
export interface ErrorPayload {
  readonly code: string;
  readonly message: string;
  readonly bidNumber?: number;
}

export type PowerMatcherMessage =
  | { readonly payloadType: 'CLUSTERINFO'; readonly payload: ClusterInfoPayload }
  | { readonly payloadType: 'BID'; readonly payload: BidPayload }
  | { readonly payloadType: 'PRICE_UPDATE'; readonly payload: PriceUpdatePayload }
  | { readonly payloadType: 'ERROR'; readonly payload: ErrorPayload };

export type PayloadType = PowerMatcherMessage['payloadType'];

export const PAYLOAD_TYPES: readonly PayloadType[] = ['CLUSTERINFO', 'BID', 'PRICE_UPDATE', 'ERROR'];

/** A message of a type this side does not know: v2.1 clients log and ignore it, and so do we (§7.5). */
export interface UnknownMessage {
  readonly payloadType: string;
  readonly unknown: true;
}

// ---- encoding ----------------------------------------------------------------------------------------------

function encodeMarketBasis(basis: MarketBasis): string {
  return (
    `{"commodity":${gsonString(basis.commodity)},"currency":${gsonString(basis.currency)},` +
    `"priceSteps":${gsonInteger(basis.priceSteps)},"minimumPrice":${gsonDouble(basis.minimumPrice)},` +
    `"maximumPrice":${gsonDouble(basis.maximumPrice)}}`
  );
}

function encodeDoubles(values: readonly number[]): string {
  let text = '[';
  for (let i = 0; i < values.length; i++) text += (i === 0 ? '' : ',') + gsonDouble(values[i] as number);
  return `${text}]`;
}

function encodePayload(message: PowerMatcherMessage): string {
  switch (message.payloadType) {
    case 'CLUSTERINFO': {
      const { marketBasis, clusterId } = message.payload;
      return `{"marketBasis":${encodeMarketBasis(marketBasis)},"clusterId":${gsonString(clusterId)}}`;
    }
    case 'BID': {
      const payload = message.payload;
      const content =
        'demand' in payload
          ? `"demand":${encodeDoubles(payload.demand)}`
          : `"pricePoints":[${payload.pricePoints.map((p) => `{"price":${gsonDouble(p.price)},"demand":${gsonDouble(p.demand)}}`).join(',')}]`;
      return `{"marketBasis":${encodeMarketBasis(payload.marketBasis)},${content},"bidNumber":${gsonInteger(payload.bidNumber)}}`;
    }
    case 'PRICE_UPDATE': {
      const { marketBasis, bidNumber, priceValue } = message.payload;
      // Gson omits null fields.
      const price = priceValue === null ? '' : `,"priceValue":${gsonDouble(priceValue)}`;
      return `{"marketBasis":${encodeMarketBasis(marketBasis)},"bidNumber":${gsonInteger(bidNumber)}${price}}`;
    }
    case 'ERROR': {
      const { code, message: text, bidNumber } = message.payload;
      const number = bidNumber === undefined ? '' : `,"bidNumber":${gsonInteger(bidNumber)}`;
      return `{"code":${gsonString(code)},"message":${gsonString(text)}${number}}`;
    }
  }
}

/**
 * The PRICE_UPDATEs of one price to many agents (an auctioneer round, a concentrator forwarding a price): the bytes
 * of `encodeMessage`, with the basis and the price encoded once, so each frame costs only its bid number.
 */
export function priceUpdateFrames(marketBasis: MarketBasis, priceValue: number): (bidNumber: number) => string {
  const head = `{"payloadType":"PRICE_UPDATE","payload":{"marketBasis":${encodeMarketBasis(marketBasis)},"bidNumber":`;
  const tail = `,"priceValue":${gsonDouble(priceValue)}}}`;
  return (bidNumber) => head + gsonInteger(bidNumber) + tail;
}

/** The exact text v2.1 would send for this message (PM-WS-5). */
export function encodeMessage(message: PowerMatcherMessage): string {
  return `{"payloadType":${gsonString(message.payloadType)},"payload":${encodePayload(message)}}`;
}

// ---- payload shapes (shared with the inbound frame checks, §7.6) -------------------------------------------

type Json = Record<string, unknown>;

export function invalidMessage(message: string): PowerMatcherError {
  return new PowerMatcherError('INVALID_MESSAGE', message);
}

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Strict RFC 8259 JSON (§7.5); a syntax error is MALFORMED_JSON with the parser's position and reason. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new PowerMatcherError('MALFORMED_JSON', error instanceof Error ? error.message : 'Malformed JSON');
  }
}

/** An int32 field: integral values only (`5`, `5.0`). */
export function readBidNumber(payload: Json): number {
  const bidNumber = payload['bidNumber'];
  if (!isBidNumber(bidNumber)) throw invalidMessage('payload.bidNumber must be an integer');
  return bidNumber + 0;
}

/** §7.6 check 8, first half: two strings, an integer and two numbers, in §7.3 order. */
export function readMarketBasisShape(payload: Json): MarketBasis {
  const basis = payload['marketBasis'];
  if (!isObject(basis)) throw invalidMessage('payload.marketBasis must be an object');
  const { commodity, currency, priceSteps, minimumPrice, maximumPrice } = basis;
  if (typeof commodity !== 'string') throw invalidMessage('payload.marketBasis.commodity must be a string');
  if (typeof currency !== 'string') throw invalidMessage('payload.marketBasis.currency must be a string');
  if (typeof priceSteps !== 'number' || !Number.isInteger(priceSteps)) {
    throw invalidMessage('payload.marketBasis.priceSteps must be an integer');
  }
  if (typeof minimumPrice !== 'number') throw invalidMessage('payload.marketBasis.minimumPrice must be a number');
  if (typeof maximumPrice !== 'number') throw invalidMessage('payload.marketBasis.maximumPrice must be a number');
  return { commodity, currency, priceSteps, minimumPrice, maximumPrice };
}

/** §7.6 check 9: exactly one of `demand` and `pricePoints` (`null` or `[]` price points count as absent, 1.9). */
export function readBidContent(payload: Json): { demand: number[] } | { pricePoints: PricePoint[] } {
  const demand = payload['demand'];
  const pricePoints = payload['pricePoints'];
  const hasDemand = demand !== undefined && demand !== null;
  const hasPoints =
    pricePoints !== undefined && pricePoints !== null && !(Array.isArray(pricePoints) && pricePoints.length === 0);
  if (hasDemand && hasPoints) throw invalidMessage('A bid carries either demand or pricePoints, not both');
  if (!hasDemand && !hasPoints) throw invalidMessage('A bid carries either demand or pricePoints, neither was given');
  if (hasDemand) {
    if (!Array.isArray(demand) || !demand.every((value) => typeof value === 'number')) {
      throw invalidMessage('payload.demand must be an array of numbers');
    }
    return { demand: demand as number[] };
  }
  if (
    !Array.isArray(pricePoints) ||
    !pricePoints.every((p) => isObject(p) && typeof p['price'] === 'number' && typeof p['demand'] === 'number')
  ) {
    throw invalidMessage('payload.pricePoints must be an array of {price, demand}');
  }
  return {
    pricePoints: (pricePoints as Json[]).map((p) => ({ price: p['price'] as number, demand: p['demand'] as number })),
  };
}

// ---- decoding ----------------------------------------------------------------------------------------------

function readString(payload: Json, field: string): string {
  const value = payload[field];
  if (typeof value !== 'string') throw invalidMessage(`payload.${field} must be a string`);
  return value;
}

function decodePayload(payloadType: PayloadType, payload: Json): PowerMatcherMessage {
  switch (payloadType) {
    case 'CLUSTERINFO':
      return {
        payloadType,
        payload: {
          marketBasis: checkMarketBasis(readMarketBasisShape(payload)),
          clusterId: readString(payload, 'clusterId'),
        },
      };
    case 'BID': {
      const marketBasis = checkMarketBasis(readMarketBasisShape(payload));
      return { payloadType, payload: { marketBasis, ...readBidContent(payload), bidNumber: readBidNumber(payload) } };
    }
    case 'PRICE_UPDATE': {
      const marketBasis = checkMarketBasis(readMarketBasisShape(payload));
      const priceValue = payload['priceValue'];
      return {
        payloadType,
        payload: {
          marketBasis,
          bidNumber: readBidNumber(payload),
          priceValue: typeof priceValue === 'number' && Number.isFinite(priceValue) ? priceValue : null,
        },
      };
    }
    case 'ERROR': {
      const bidNumber =
        payload['bidNumber'] === undefined || payload['bidNumber'] === null ? undefined : readBidNumber(payload);
      const error = { code: readString(payload, 'code'), message: readString(payload, 'message') };
      return { payloadType, payload: bidNumber === undefined ? error : { ...error, bidNumber } };
    }
  }
}

/**
 * Decodes one text frame (§7.5): strict JSON, unknown fields ignored, duplicate keys last wins. A payload type
 * this side does not know is returned as `UnknownMessage`; a malformed known message throws
 * (`MALFORMED_JSON`, `INVALID_MESSAGE`, or `INVALID_MARKET_BASIS` for a basis that breaks PM-MB-1).
 */
export function decodeMessage(text: string): PowerMatcherMessage | UnknownMessage {
  const json = parseJson(text);
  if (!isObject(json) || typeof json['payloadType'] !== 'string') throw invalidMessage('payloadType is required');
  const payloadType = json['payloadType'];
  if (!(PAYLOAD_TYPES as readonly string[]).includes(payloadType)) return { payloadType, unknown: true };
  const payload = json['payload'];
  if (!isObject(payload)) throw invalidMessage('payload must be an object');
  return decodePayload(payloadType as PayloadType, payload);
}
