/** The operator API (SPEC API-1) as the page reads it: its JSON shapes and the bearer token of this tab. */
import { fetchJson } from '@flexgrid/ui';

export interface Ven {
  venId: string;
  venName: string | null;
  registrationId: string | null;
  registration: 'active' | 'cancelled' | 'none';
  online: boolean;
  lastSeen: string | null;
  onlineSince: string | null;
  offlineSince: string | null;
  pollFreqSeconds: number | null;
  fingerprint: string | null;
  groups: string[];
  partyId: string | null;
  resources: string[];
  reportOnly: boolean;
  xmlSignature: boolean;
  removed: boolean;
  /** TELEMETRY_STATUS values by rID. */
  status: Record<string, unknown>;
}

export type EventStatus = 'far' | 'near' | 'active' | 'completed' | 'cancelled';
export type Delivery = 'queued' | 'delivered' | 'acked' | 'withdrawn';

export interface SignalUnits {
  item: string;
  units: string;
  scale?: string;
  description?: string;
}

export interface Signal {
  id: string;
  name: string;
  type: string;
  units?: SignalUnits;
  intervals: { duration: string; value: number }[];
}

export interface Targets {
  all?: boolean;
  venIds?: string[];
  groupIds?: string[];
  resourceIds?: string[];
  partyIds?: string[];
}

export interface EventVen {
  venId: string;
  matched: boolean;
  deliveredModificationNumber: number | null;
  deliveredAt: string | null;
  delivery: Delivery;
  opt: 'optIn' | 'optOut' | null;
  optModificationNumber: number | null;
  stale: boolean;
  responseCode: string | null;
  respondedAt: string | null;
  source: 'eiOpt' | 'createdEvent' | null;
}

export interface VtnEvent {
  eventId: string;
  modificationNumber: number;
  modificationDateTime: string;
  modificationReason?: string;
  createdDateTime: string;
  marketContext: string;
  priority: number;
  testEvent: boolean;
  vtnComment?: string;
  responseRequired: 'always' | 'never';
  start: string;
  rampUp?: string;
  notification?: string;
  recovery?: string;
  startAfter?: string;
  signals: Signal[];
  targets: Targets;
  cancelled: boolean;
  status: EventStatus;
  vens: EventVen[];
  warnings?: string[];
}

export interface ReportRegistration {
  reportSpecifierId: string;
  reportName: string;
  durationSeconds: number | null;
  descriptions: { rID: string; reportType: string; readingType: string }[];
  registeredAt: string;
}

export interface ReportRequest {
  reportRequestId: string;
  reportSpecifierId: string;
  reportName: string;
  granularitySeconds: number;
  reportBackSeconds: number;
  rIds: string[];
  state: string;
  origin: string;
  createdAt: string;
}

export interface VenReports {
  registrations: ReportRegistration[];
  requests: ReportRequest[];
  status: { rId: string; value: unknown; at: string }[];
}

/** An item of a VEN's poll queue (§6). */
export interface QueueItem {
  id: number;
  kind: string;
  state: 'pending' | 'in-flight' | 'acked' | 'superseded' | 'expired';
  attempts: number;
  requestId: string | null;
  reportRequestIds: string[];
  lastDeliveredAt: string | null;
  createdAt: string;
}

/** An EiOpt of a VEN (§7): for an event, or an availability schedule. */
export interface VenOpt {
  optId: string;
  kind: 'event' | 'schedule';
  eventId: string | null;
  modificationNumber: number | null;
  optType: 'optIn' | 'optOut';
  optReason: string;
  state: 'active' | 'cancelled';
  receivedAt: string;
}

/**
 * The live stream's message (`snapshot`, every 2 s): every VEN, and the events not over for more than an hour,
 * as the VTN's database has them, whichever replica wrote them.
 */
export interface Snapshot {
  at: string;
  vens: Ven[];
  events: VtnEvent[];
}

export const apiBase = '/api/v1';
/**
 * EventSource cannot send an Authorization header, so the stream takes the token as `access_token`
 * (RFC 6750 §2.3).
 */
export const liveStreamUrl = (token: string) => `${apiBase}/stream?access_token=${encodeURIComponent(token)}`;

const tokenKey = 'flexgrid.openadr-vtn.token';

/** Kept for this tab only: sessionStorage is gone when the tab closes. */
export const savedToken = {
  get: (): string | null => sessionStorage.getItem(tokenKey),
  set: (token: string) => sessionStorage.setItem(tokenKey, token),
  clear: () => sessionStorage.removeItem(tokenKey),
};

/** A call to the operator API with the bearer token; failures throw a ProblemError (problem+json). */
export function api<T>(
  token: string,
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<T> {
  return fetchJson<T>(`${apiBase}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${token}`,
      ...(init.body !== undefined && { 'content-type': 'application/json' }),
      ...init.headers,
    },
    ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
  });
}

/** Checks a token with the lightest authenticated call. */
export const checkToken = (token: string) => api<unknown>(token, '/events?limit=1');
