import { type Problem, ProblemError } from './problem';

export interface ProblemViewProps {
  /** A ProblemError (from fetchJson), a problem document, or anything else thrown. */
  error: unknown;
  /** Offered as a button, e.g. to reload. */
  onRetry?: () => void;
}

const standardMembers = new Set(['type', 'title', 'status', 'detail', 'instance']);

function asProblem(error: unknown): { problem: Problem; request?: string } {
  if (error instanceof ProblemError) return { problem: error.problem, request: error.request };
  if (error !== null && typeof error === 'object' && typeof (error as Problem).title === 'string') {
    return { problem: error as Problem };
  }
  const detail = error instanceof Error ? error.message : String(error);
  return { problem: { type: 'about:blank', title: 'Unexpected error', status: 0, detail } };
}

/** A problem+json error as an operator reads it: what failed, why, and the service's extra fields. */
export function ProblemView({ error, onRetry }: ProblemViewProps) {
  const { problem, request } = asProblem(error);
  const extensions = Object.entries(problem).filter(([name]) => !standardMembers.has(name));
  return (
    <div className="fg-problem" role="alert">
      <div className="fg-problem-title">
        {problem.status > 0 && <span className="fg-problem-status">{problem.status}</span>}
        <strong>{problem.title}</strong>
        {onRetry && (
          <button type="button" className="fg-button" onClick={onRetry}>
            retry
          </button>
        )}
      </div>
      {problem.detail && <p className="fg-problem-detail">{problem.detail}</p>}
      <dl className="fg-problem-fields">
        {request && (
          <>
            <dt>request</dt>
            <dd>
              <code>{request}</code>
            </dd>
          </>
        )}
        {problem.type !== 'about:blank' && (
          <>
            <dt>type</dt>
            <dd>
              <code>{problem.type}</code>
            </dd>
          </>
        )}
        {problem.instance && (
          <>
            <dt>instance</dt>
            <dd>
              <code>{problem.instance}</code>
            </dd>
          </>
        )}
        {extensions.map(([name, value]) => (
          <div key={name} className="fg-problem-extension">
            <dt>{name}</dt>
            <dd>
              <code>{typeof value === 'string' ? value : JSON.stringify(value)}</code>
            </dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
