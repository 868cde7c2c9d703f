/**
 * The OpenADR listener's request handler: TR-4 steps 1 and 3 to 8 (route, rate limit, content type, body
 * size, XML and XSD), then the domain (steps 9 to 13), answering XSD-valid payloads or problem+json. A plain
 * node handler rather than express: polls are the bulk of the traffic (DB-3).
 */
import { X509Certificate } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BlockList, isIPv6 } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { Logger } from '@flexgrid/platform-service';
import {
  acceptsPayload,
  certificateFingerprint,
  eiResponse,
  isOadrService,
  type OadrPayload,
  type OadrService,
  readOadrPayload,
  writeOadrPayload,
  xmlCharset,
} from '@flexgrid/protocol-openadr';
import { Counter, Histogram, type Registry } from 'prom-client';
import { problemOf, RETRY_AFTER_SECONDS } from '../errors';
import type { VtnContext } from '../domain/context';
import { refusalAnswer, type Peer, type Vtn } from '../domain/vtn';

const BASE = '/OpenADR2/Simple/2.0b/';

export interface OpenadrHttpOptions {
  readonly tls: boolean;
  readonly maxBodyBytes: number;
  /** Requests per second per VEN (fingerprint, or client IP in dev mode); 0 = off. */
  readonly rateLimitPerVen: number;
  /** SEC-7: a header with the URL-encoded client PEM, trusted only from these proxies. */
  readonly clientCertHeader?: string;
  readonly trustedProxies: readonly string[];
  readonly logger: Logger;
  readonly metrics: Registry;
  /** False while shutting down: 503. */
  readonly accepting: () => boolean;
}

function problem(
  res: ServerResponse,
  status: number,
  title: string,
  detail: string,
  headers: Record<string, string> = {},
) {
  const body = JSON.stringify({ type: 'about:blank', title, status, detail: detail.slice(0, 1024) });
  res.writeHead(status, { 'content-type': 'application/problem+json', ...headers });
  res.end(body);
}

class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly perSecond: number) {}

  /** Seconds to wait, or 0 when the request may go. */
  take(key: string, now: number): number {
    const bucket = this.buckets.get(key) ?? { tokens: this.perSecond, at: now };
    bucket.tokens = Math.min(this.perSecond, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (this.buckets.size > 100_000) this.buckets.clear();
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.perSecond));
  }
}

type ReadResult = ReturnType<typeof readOadrPayload>;

/**
 * TR-4 steps 6 to 8 for polls, remembered: a VEN's oadrPoll is the same bytes every time (no requestID, no
 * timestamp), so the reading of those bytes is kept instead of parsing and validating them again. The result
 * for a given body and charset cannot differ, so nothing is accepted or refused that the full path would not.
 */
class PollReadings {
  private readonly readings = new Map<string, ReadResult>();

  constructor(private readonly capacity = 20_000) {}

  read(body: Buffer, charset: string | undefined): ReadResult {
    if (body.length > 2048) return readOadrPayload(body, charset !== undefined ? { charset } : {});
    const key = `${charset ?? ''}\u0000${body.toString('latin1')}`;
    const known = this.readings.get(key);
    if (known) return known;
    const read = readOadrPayload(body, charset !== undefined ? { charset } : {});
    if (read.ok && read.message.payload.type === 'oadrPoll') {
      if (this.readings.size >= this.capacity) this.readings.clear();
      this.readings.set(key, read);
    }
    return read;
  }
}

function trustedList(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [address, prefix] = cidr.split('/');
    list.addSubnet(address as string, Number(prefix), isIPv6(address as string) ? 'ipv6' : 'ipv4');
  }
  return list;
}

export function openadrHandler(context: VtnContext, vtn: Vtn, options: OpenadrHttpOptions) {
  const limiter = options.rateLimitPerVen > 0 ? new RateLimiter(options.rateLimitPerVen) : undefined;
  const proxies = trustedList(options.trustedProxies);
  const polls = new PollReadings();
  const requests = new Counter({
    name: 'oadr_requests_total',
    help: 'OpenADR requests by service, payload type and HTTP status',
    labelNames: ['service', 'payload', 'status'],
    registers: [options.metrics],
  });
  const duration = new Histogram({
    name: 'oadr_request_duration_seconds',
    help: 'OpenADR request duration by service',
    labelNames: ['service'],
    buckets: [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [options.metrics],
  });

  /** SEC-3 and SEC-7: the client certificate's fingerprint, if there is one we may trust. */
  function peerOf(req: IncomingMessage): Peer {
    const header = options.clientCertHeader?.toLowerCase();
    const remote = req.socket.remoteAddress ?? '';
    if (header && req.headers[header] !== undefined) {
      const family = isIPv6(remote) && !remote.startsWith('::ffff:') ? 'ipv6' : 'ipv4';
      const address = remote.startsWith('::ffff:') ? remote.slice(7) : remote;
      if (proxies.check(address, family)) {
        try {
          const pem = decodeURIComponent(String(req.headers[header]));
          return { fingerprint: certificateFingerprint(new X509Certificate(pem).raw) };
        } catch {
          return {};
        }
      }
      return {};
    }
    const socket = req.socket as TLSSocket;
    if (typeof socket.getPeerCertificate !== 'function') return {};
    const certificate = socket.getPeerCertificate();
    return certificate?.raw ? { fingerprint: certificateFingerprint(certificate.raw) } : {};
  }

  function send(res: ServerResponse, payload: OadrPayload | string, afterWrite?: () => Promise<void>): void {
    const xml = typeof payload === 'string' ? payload : writeOadrPayload(payload);
    res.writeHead(200, { 'content-type': 'application/xml; charset=utf-8', 'content-length': Buffer.byteLength(xml) });
    if (afterWrite)
      res.once('finish', () => {
        afterWrite().catch((error: unknown) => options.logger.warn({ err: error }, 'settling a delivered item failed'));
      });
    res.end(xml);
  }

  async function handle(
    req: IncomingMessage,
    res: ServerResponse,
    service: OadrService,
    body: Buffer,
    charset?: string,
  ) {
    const read = polls.read(body, charset);
    if (!read.ok) {
      const { error } = read;
      if (error.kind !== 'data') {
        problem(
          res,
          400,
          error.kind === 'xml' ? 'Not well-formed XML' : 'Not valid against oadr_20b.xsd',
          error.message,
        );
        return 'invalid';
      }
      const type = error.payloadType;
      const response = !acceptsPayload(service, type)
        ? eiResponse('COMPLIANCE_ERROR', error.requestID ?? '', `${type} is not taken by ${service}`)
        : eiResponse('INVALID_DATA', error.requestID ?? '', error.message);
      send(
        res,
        response.responseCode === '459'
          ? { type: 'oadrResponse', eiResponse: response, ...(error.venID !== undefined && { venID: error.venID }) }
          : refusalAnswer(context, type, response, error.venID),
      );
      return type;
    }
    const answer = await vtn.handle(service, read.message, peerOf(req));
    send(res, answer.payload, answer.afterWrite);
    return read.message.payload.type;
  }

  return (req: IncomingMessage, res: ServerResponse): void => {
    const started = process.hrtime.bigint();
    const url = req.url ?? '/';
    const path = url.split('?')[0] as string;
    const name = path.startsWith(BASE) ? path.slice(BASE.length).replace(/\/$/, '') : '';
    let payloadType = '-';
    res.once('finish', () => {
      requests.inc({ service: name || '-', payload: payloadType, status: res.statusCode });
      duration.observe({ service: name || '-' }, Number(process.hrtime.bigint() - started) / 1e9);
    });
    if (!isOadrService(name)) return problem(res, 404, 'Not found', `no OpenADR service at ${path}`);
    if (req.method !== 'POST')
      return problem(res, 405, 'Method not allowed', 'OpenADR services take POST', { allow: 'POST' });
    if (!options.accepting())
      return problem(res, 503, 'Service unavailable', 'the VTN is stopping', {
        'retry-after': String(RETRY_AFTER_SECONDS),
      });
    if (limiter) {
      const peer = peerOf(req);
      const wait = limiter.take(peer.fingerprint ?? req.socket.remoteAddress ?? '', context.now());
      if (wait > 0)
        return problem(res, 429, 'Too many requests', 'rate limit per VEN', { 'retry-after': String(wait) });
    }
    const contentType = req.headers['content-type'] ?? '';
    const [mediaType, ...parameters] = contentType.split(';').map((part) => part.trim());
    const charsetParameter = parameters
      .find((p) => /^charset=/i.test(p))
      ?.slice(8)
      .replace(/^"|"$/g, '');
    if (
      !['application/xml', 'text/xml'].includes((mediaType ?? '').toLowerCase()) ||
      (charsetParameter !== undefined && xmlCharset(charsetParameter) === undefined)
    )
      return problem(
        res,
        415,
        'Unsupported media type',
        'send application/xml or text/xml in UTF-8, US-ASCII or ISO-8859-1',
      );
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > options.maxBodyBytes) {
      res.setHeader('connection', 'close');
      return problem(res, 413, 'Content too large', `the body is larger than ${options.maxBodyBytes} bytes`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > options.maxBodyBytes) {
        refused = true;
        res.setHeader('connection', 'close');
        problem(res, 413, 'Content too large', `the body is larger than ${options.maxBodyBytes} bytes`);
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', () => res.destroy());
    req.on('end', () => {
      if (refused) return;
      const body = Buffer.concat(chunks, size);
      if (body.length === 0) return problem(res, 400, 'Empty body', 'an OpenADR message is required');
      handle(req, res, name, body, charsetParameter)
        .then((type) => {
          payloadType = type;
        })
        .catch((error: unknown) => {
          if (res.headersSent) return res.destroy();
          const mapped = problemOf(error);
          if (mapped?.status === 503) {
            options.logger.warn({ err: error }, 'database unavailable');
            return problem(res, 503, mapped.title, mapped.detail ?? '', { 'retry-after': String(RETRY_AFTER_SECONDS) });
          }
          if (mapped) return problem(res, mapped.status, mapped.title, mapped.detail ?? '');
          options.logger.error({ err: error, service: name }, 'OpenADR request failed');
          problem(res, 500, 'Internal server error', 'the VTN could not process this message');
        });
    });
  };
}
