/** OpenADR 2.0b simple HTTP from the VEN side (CMP-13): POST application/xml, keep-alive, timeouts, optional mTLS. */
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import {
  type OadrPayload,
  type OadrService,
  readOadrPayload,
  validateOadrMessage,
  writeOadrPayload,
} from '@flexgrid/protocol-openadr';

export interface VenTls {
  /** PEM texts. */
  readonly key: string;
  readonly cert: string;
  readonly ca: string;
}

export interface OadrExchange {
  readonly service: OadrService;
  readonly sent: OadrPayload;
  readonly status: number;
  /** The answer as received. */
  readonly text: string;
  readonly answer?: OadrPayload;
}

/** An answer that is not HTTP 200 with an XSD-valid OpenADR message: openleadr counts it as no answer (CMP-2). */
export class OadrTransportError extends Error {
  override readonly name = 'OadrTransportError';
}

export class OadrTransport {
  private readonly agent: HttpAgent;
  private readonly secure: boolean;

  constructor(
    private readonly baseUrl: string,
    tls?: VenTls,
    private readonly onExchange?: (exchange: OadrExchange) => void,
    private readonly timeoutMs = 10_000,
  ) {
    this.secure = baseUrl.startsWith('https:');
    this.agent = this.secure
      ? new HttpsAgent({ keepAlive: true, maxSockets: 4, ...(tls && { key: tls.key, cert: tls.cert, ca: tls.ca }) })
      : new HttpAgent({ keepAlive: true, maxSockets: 4 });
  }

  /** Sends a payload and reads the answer, which must be XSD-valid (the VEN side of the lib checks it). */
  async send(service: OadrService, payload: OadrPayload): Promise<OadrPayload> {
    const body = writeOadrPayload(payload);
    const { status, text } = await this.post(service, body);
    const exchange = { service, sent: payload, status, text };
    if (status !== 200) {
      this.onExchange?.(exchange);
      throw new OadrTransportError(`${service}: HTTP ${status} ${text.slice(0, 200)}`);
    }
    const invalid = validateOadrMessage(text);
    const read = readOadrPayload(text);
    if (invalid || !read.ok) {
      this.onExchange?.(exchange);
      throw new OadrTransportError(
        `${service}: invalid answer: ${invalid?.message ?? (read.ok ? '' : read.error.message)}`,
      );
    }
    this.onExchange?.({ ...exchange, answer: read.message.payload });
    return read.message.payload;
  }

  private post(service: OadrService, body: string): Promise<{ status: number; text: string }> {
    const url = new URL(`${this.baseUrl}/${service}`);
    const request = this.secure ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method: 'POST',
          agent: this.agent,
          timeout: this.timeoutMs,
          headers: { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new OadrTransportError(`${service}: no answer within ${this.timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
