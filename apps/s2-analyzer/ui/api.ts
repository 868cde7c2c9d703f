import { fetchJson } from '@flexgrid/ui';

/*
 * The analyzer's API as the page uses it (README "API"). With S2_API_TOKEN set, the page asks for the token once
 * and keeps it for the browser session: sent as a bearer token, and as access_token on the live websocket.
 */

export interface Finding {
  seq: number;
  rule: string;
  level: 'schema' | 'state' | 'semantic' | 'strict';
  severity: 'error' | 'warning';
  detail: string;
  path?: string;
}

export interface SessionSummary {
  id: string;
  rmId: string;
  cemId: string;
  origin: string;
  startedAt: string;
  endedAt: string | null;
  endReason: string | null;
  frames: number;
  errors: number;
  warnings: number;
  verdict: 'valid' | 'invalid';
  schemaValid: boolean;
  framesLost: number;
  live: boolean;
}

export interface PendingAnswer {
  seq: number;
  side: string;
  messageId: string;
  messageType: string;
  t: number;
  overdue: boolean;
}

export interface SessionState {
  phase: string;
  activeControlType: string;
  selectedProtocolVersion: string | null;
  openInstructions: string[];
  pendingReceptionStatus: PendingAnswer[];
  summary: { frames: number; verdict: string; schemaValid: boolean; counts: Record<string, number> };
  [member: string]: unknown;
}

export interface FrameView {
  seq: number;
  t: number;
  direction: 'rm->cem' | 'cem->rm';
  message?: unknown;
  raw?: string;
  encoding?: 'base64';
  receivedAt: string;
  messageType: string | null;
  findings: Finding[];
}

export interface RuleGuide {
  rule: string;
  level: string;
  severity: string;
  means: string;
  expectedAnswer: string | null;
}

const TOKEN_KEY = 's2-analyzer-token';

export function token(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(value: string): void {
  sessionStorage.setItem(TOKEN_KEY, value);
}

function withToken(init: RequestInit = {}): RequestInit {
  const bearer = token();
  return bearer ? { ...init, headers: { ...init.headers, authorization: `Bearer ${bearer}` } } : init;
}

export const api = {
  sessions: (query: string) =>
    fetchJson<{ sessions: SessionSummary[]; next: string | null }>(`/api/sessions?${query}`, withToken()),
  session: (id: string) =>
    fetchJson<SessionSummary & { state: SessionState | null }>(`/api/sessions/${id}`, withToken()),
  frames: (id: string, after: number, limit = 1000) =>
    fetchJson<{ frames: FrameView[]; next: string | null }>(
      `/api/sessions/${id}/frames?after=${after}&limit=${limit}`,
      withToken(),
    ),
  rules: () => fetchJson<{ rules: RuleGuide[] }>('/api/rules', withToken()),
  importTranscript: (text: string, name: string) =>
    fetchJson<SessionSummary>(`/api/sessions/import?rmId=${encodeURIComponent(name)}&cemId=imported`, {
      ...withToken({ headers: { 'content-type': 'application/x-ndjson' } }),
      method: 'POST',
      body: text,
    }),
};

/** The live websocket's URL, page-relative, with the token when there is one. */
export function liveUrl(sessionId?: string): string {
  const url = new URL('/api/live', window.location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  if (sessionId) url.searchParams.set('session', sessionId);
  const bearer = token();
  if (bearer) url.searchParams.set('access_token', bearer);
  return url.toString();
}

/** Downloads need the token too: fetch, then hand the browser a blob. */
export async function download(path: string, filename: string): Promise<void> {
  const response = await fetch(path, withToken());
  if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
  const link = document.createElement('a');
  link.href = URL.createObjectURL(await response.blob());
  link.download = filename;
  link.click();
  URL.revokeObjectURL(link.href);
}
