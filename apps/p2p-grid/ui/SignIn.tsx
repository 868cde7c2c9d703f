import { PageShell, Panel } from '@flexgrid/ui';
import { type FormEvent, useState } from 'react';

export interface SignInProps {
  /** Why the previous token was dropped, shown above the form. */
  refusal?: string;
  onSignIn: (token: string) => void;
}

/** The operator API needs the grid's operator token (§14); the page asks for it before anything else. */
export function SignIn({ refusal, onSignIn }: SignInProps) {
  const [token, setToken] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (token.trim()) onSignIn(token.trim());
  };
  return (
    <PageShell service="P2P grid" title="Operator sign-in">
      <Panel title="Sign in">
        <form className="p2p-sign-in" onSubmit={submit}>
          {refusal && (
            <p className="p2p-refusal" role="alert">
              {refusal}
            </p>
          )}
          <p>
            This page shows the grid&apos;s operator API, which needs the operator token: the value of{' '}
            <code>P2P_OPERATOR_TOKEN</code> the grid was started with. It is kept in this browser tab only.
          </p>
          <label>
            operator token{' '}
            <input
              className="fg-input"
              type="password"
              autoComplete="current-password"
              value={token}
              onChange={(event) => setToken(event.target.value)}
            />
          </label>{' '}
          <button type="submit" className="fg-button" disabled={!token.trim()}>
            sign in
          </button>
        </form>
      </Panel>
    </PageShell>
  );
}
