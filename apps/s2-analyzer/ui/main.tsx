import '@flexgrid/ui/styles.css';
import './s2.css';
import { type LiveStreamStatus, PageShell, ProblemError } from '@flexgrid/ui';
import { StrictMode, useCallback, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { setToken, token } from './api';
import { SessionDebugger } from './session';
import { SessionList } from './sessions';

/**
 * The S2 analyzer's debugger page (DESIGN.md "Web UIs"): the session list at #/, one session at #/sessions/<id>.
 * It reads the analyzer's REST API and its live websocket; the analysis itself happens in the service.
 */

function route(): { sessionId?: string } {
  const match = /^#\/sessions\/([0-9a-f-]{36})$/i.exec(window.location.hash);
  return match ? { sessionId: match[1] } : {};
}

function TokenPrompt() {
  const [value, setValue] = useState('');
  return (
    <form
      className="s2-filters"
      onSubmit={(event) => {
        event.preventDefault();
        setToken(value);
        window.location.reload();
      }}
    >
      <span>This analyzer needs its API token.</span>
      <input
        aria-label="API token"
        type="password"
        className="fg-input"
        value={value}
        onChange={(e) => setValue(e.target.value)}
      />
      <button className="fg-button">use it</button>
    </form>
  );
}

function App() {
  const [where, setWhere] = useState(route);
  const [connection, setConnection] = useState<LiveStreamStatus>();
  const [needsToken, setNeedsToken] = useState(false);
  useEffect(() => {
    const onHash = () => setWhere(route());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => {
    const onRejection = (event: PromiseRejectionEvent) => {
      if (event.reason instanceof ProblemError && event.reason.problem.status === 401) setNeedsToken(true);
    };
    window.addEventListener('unhandledrejection', onRejection);
    void fetch('/api/rules', token() ? { headers: { authorization: `Bearer ${token()}` } } : {}).then((r) =>
      setNeedsToken(r.status === 401),
    );
    return () => window.removeEventListener('unhandledrejection', onRejection);
  }, []);
  const onConnection = useCallback((status: LiveStreamStatus) => setConnection(status), []);
  const open = useCallback((id: string) => {
    window.location.hash = `#/sessions/${id}`;
  }, []);

  return (
    <PageShell
      service="S2 analyzer"
      title={where.sessionId ? 'Session' : 'Sessions'}
      nav={[{ label: 'sessions', href: '#/', active: !where.sessionId }]}
      connection={connection}
    >
      {needsToken ? (
        <TokenPrompt />
      ) : where.sessionId ? (
        <SessionDebugger key={where.sessionId} id={where.sessionId} onConnection={onConnection} />
      ) : (
        <SessionList open={open} onConnection={onConnection} />
      )}
    </PageShell>
  );
}

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
