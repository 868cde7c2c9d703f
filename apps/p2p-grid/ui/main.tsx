import '@flexgrid/ui/styles.css';
import './operator.css';
import { StrictMode, useCallback, useEffect, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { OperatorApi } from './api';
import { OperatorPage } from './OperatorPage';
import { SignIn } from './SignIn';

const TOKEN_KEY = 'p2p-grid.operator-token';

/**
 * The token comes from the sign-in form, or from the URL's fragment (`/ui/#token=…`, which never reaches a server
 * or its logs), taken out of the address as it is read; it is kept for this tab only.
 */
function tokenOfFragment(): string | null {
  const fragment = new URLSearchParams(window.location.hash.slice(1)).get('token');
  if (!fragment) return null;
  sessionStorage.setItem(TOKEN_KEY, fragment);
  history.replaceState(null, '', window.location.pathname + window.location.search);
  return fragment;
}

function App() {
  const [token, setToken] = useState(() => tokenOfFragment() ?? sessionStorage.getItem(TOKEN_KEY));
  // A link with a token opened in a tab that already shows the page changes only the fragment: no reload.
  useEffect(() => {
    const onHashChange = () => {
      const fragment = tokenOfFragment();
      if (fragment !== null) setToken(fragment);
    };
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, []);
  const [refusal, setRefusal] = useState<string>();
  const api = useMemo(() => (token === null ? null : new OperatorApi(token)), [token]);
  const signOut = useCallback((reason?: string) => {
    sessionStorage.removeItem(TOKEN_KEY);
    setRefusal(reason);
    setToken(null);
  }, []);
  if (api === null)
    return (
      <SignIn
        refusal={refusal}
        onSignIn={(entered) => {
          sessionStorage.setItem(TOKEN_KEY, entered);
          setRefusal(undefined);
          setToken(entered);
        }}
      />
    );
  return <OperatorPage key={api.token} api={api} onSignOut={signOut} />;
}

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
