/**
 * The VTN's operator page (SPEC API-2): VENs with their online state and last seen, events with their status and
 * per-VEN delivery and opt, kept live by the VTN's stream (`/api/v1/stream`), and the forms that create, modify
 * and cancel events through the operator API with the operator's bearer token.
 */
import '@flexgrid/ui/styles.css';
import './vtn.css';
import { formatDateTime, localZoneName, PageShell, Panel, ProblemView, useLiveStream } from '@flexgrid/ui';
import { type FormEvent, type ReactNode, StrictMode, useEffect, useMemo, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { checkToken, liveStreamUrl, savedToken, type Snapshot, type Ven, type VtnEvent } from './api';
import { EventForm } from './event-form';
import { EventDetail, EventsPanel } from './events';
import { VenDetail, VensPanel } from './vens';

interface State {
  vens: Map<string, Ven>;
  events: Map<string, VtnEvent>;
  at: string;
}

const stateOf = (snapshot: Snapshot): State => ({
  vens: new Map(snapshot.vens.map((v) => [v.venId, v])),
  events: new Map(snapshot.events.map((e) => [e.eventId, e])),
  at: snapshot.at,
});

/** Scrolls a detail into view when it opens (or shows another row), as it opens below its table. */
function Reveal({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // A block, not an expression: Chromium's scrollIntoView now returns a promise, which React would take for
    // the effect's cleanup function.
    ref.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }, []);
  return (
    <div ref={ref} className="vtn-span">
      {children}
    </div>
  );
}

type Editing = { mode: 'create' } | { mode: 'modify'; eventId: string } | undefined;

function Operator({ token, onSignOut }: { token: string; onSignOut: () => void }) {
  const [state, setState] = useState<State>();
  const latest = useRef<Snapshot>(undefined);
  const [selectedVen, setSelectedVen] = useState<string>();
  const [selectedEvent, setSelectedEvent] = useState<string>();
  const [editing, setEditing] = useState<Editing>();
  const [saved, setSaved] = useState<{ text: string; warnings: string[] }>();

  const stream = useLiveStream({
    url: liveStreamUrl(token),
    events: ['snapshot'],
    onMessage: (data, event) => {
      if (event === 'snapshot') latest.current = JSON.parse(data) as Snapshot;
    },
  });

  // Applied once per animation frame: a snapshot of thousands of VENs is parsed when it arrives, rendered once.
  useEffect(() => {
    let frame = 0;
    const flush = () => {
      const snapshot = latest.current;
      latest.current = undefined;
      if (snapshot) setState(stateOf(snapshot));
      frame = requestAnimationFrame(flush);
    };
    frame = requestAnimationFrame(flush);
    return () => cancelAnimationFrame(frame);
  }, []);

  /** The API's answer to a change, shown at once rather than with the next snapshot. */
  const applyEvent = (event: VtnEvent) =>
    setState((previous) => previous && { ...previous, events: new Map(previous.events).set(event.eventId, event) });

  const vens = useMemo(() => [...(state?.vens.values() ?? [])], [state]);
  const events = useMemo(() => [...(state?.events.values() ?? [])], [state]);
  const ven = selectedVen ? state?.vens.get(selectedVen) : undefined;
  const event = selectedEvent ? state?.events.get(selectedEvent) : undefined;
  const modified = editing?.mode === 'modify' ? state?.events.get(editing.eventId) : undefined;

  return (
    <PageShell
      service="OpenADR VTN"
      title="Operator"
      connection={stream}
      actions={
        <button type="button" className="fg-button" onClick={onSignOut} title="forget the token in this tab">
          sign out
        </button>
      }
    >
      {!state ? (
        <Panel title="Loading" wide>
          <p className="fg-muted">Reading VENs and events from the VTN…</p>
        </Panel>
      ) : (
        <>
          <p className="fg-muted vtn-note">
            Times are in {localZoneName}. The page updates itself (last update {formatDateTime(state.at)}); there is no
            need to reload.
          </p>
          {saved && (
            <div className="vtn-saved" role="status">
              {saved.text}
              {saved.warnings.length > 0 && (
                <ul aria-label="warnings">
                  {saved.warnings.map((w) => (
                    <li key={w}>{w}</li>
                  ))}
                </ul>
              )}
              <button type="button" className="fg-button" onClick={() => setSaved(undefined)}>
                dismiss
              </button>
            </div>
          )}
          <EventsPanel
            events={events}
            selected={selectedEvent}
            onSelect={setSelectedEvent}
            onCreate={() => setEditing({ mode: 'create' })}
          />
          {editing && (editing.mode === 'create' || modified) && (
            <Reveal key={editing.mode === 'create' ? 'create' : `modify:${modified?.eventId}`}>
              <EventForm
                token={token}
                event={modified}
                onClose={() => setEditing(undefined)}
                onDone={(result) => {
                  setEditing(undefined);
                  setSelectedEvent(result.eventId);
                  setSaved({
                    text: `Event ${result.eventId} ${editing.mode === 'create' ? 'created' : 'modified'}: version ${result.modificationNumber}.`,
                    warnings: result.warnings ?? [],
                  });
                  applyEvent(result);
                }}
              />
            </Reveal>
          )}
          {event && (
            <Reveal key={`event:${event.eventId}`}>
              <EventDetail
                token={token}
                event={event}
                onModify={() => setEditing({ mode: 'modify', eventId: event.eventId })}
                onCancelled={(result) => {
                  setSaved({
                    text: `Event ${result.eventId} cancelled: version ${result.modificationNumber}.`,
                    warnings: [],
                  });
                  applyEvent(result);
                }}
                onClose={() => setSelectedEvent(undefined)}
              />
            </Reveal>
          )}
          <VensPanel vens={vens} selected={selectedVen} onSelect={setSelectedVen} />
          {ven && (
            <Reveal key={`ven:${ven.venId}`}>
              <VenDetail token={token} ven={ven} onClose={() => setSelectedVen(undefined)} />
            </Reveal>
          )}
        </>
      )}
    </PageShell>
  );
}

/** Asks for the operator API's bearer token (OADR_API_TOKENS) and checks it against the API. */
function TokenGate({ onToken, initialError }: { onToken: (token: string) => void; initialError: unknown }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<unknown>(initialError);
  const [busy, setBusy] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    checkToken(token.trim())
      .then(() => onToken(token.trim()), setError)
      .finally(() => setBusy(false));
  };
  return (
    <PageShell service="OpenADR VTN" title="Sign in">
      <Panel title="Operator token">
        <form className="vtn-form vtn-token" onSubmit={submit} aria-label="operator token">
          <p>
            This page uses the VTN's operator API. Enter one of the bearer tokens configured in{' '}
            <code>OADR_API_TOKENS</code>. It is kept in this browser tab only (sessionStorage) and forgotten when the
            tab closes.
          </p>
          <label>
            bearer token
            <input
              type="password"
              className="fg-input"
              autoComplete="off"
              required
              value={token}
              onChange={(e) => setToken(e.target.value)}
            />
          </label>
          <div className="vtn-form-actions">
            <button type="submit" className="fg-button vtn-primary" disabled={busy || token.trim() === ''}>
              open the operator page
            </button>
          </div>
          {error !== undefined && <ProblemView error={error} />}
        </form>
      </Panel>
    </PageShell>
  );
}

function App() {
  const [token, setToken] = useState<string | null>(null);
  const [checking, setChecking] = useState(() => savedToken.get() !== null);
  const [error, setError] = useState<unknown>();

  // A token kept from earlier in this tab: use it if the VTN still accepts it, or ask again.
  useEffect(() => {
    const kept = savedToken.get();
    if (kept === null) return;
    checkToken(kept)
      .then(
        () => setToken(kept),
        (failure: unknown) => {
          savedToken.clear();
          setError(failure);
        },
      )
      .finally(() => setChecking(false));
  }, []);

  if (checking) return null;
  if (token === null)
    return (
      <TokenGate
        initialError={error}
        onToken={(t) => {
          savedToken.set(t);
          setToken(t);
        }}
      />
    );
  return (
    <Operator
      token={token}
      onSignOut={() => {
        savedToken.clear();
        setError(undefined);
        setToken(null);
      }}
    />
  );
}

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
