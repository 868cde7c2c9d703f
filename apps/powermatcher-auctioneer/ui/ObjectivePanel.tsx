import { Panel, ProblemView, StatusBadge, type Tone } from '@flexgrid/ui';
import type { ObjectiveView } from './api';
import { formatPower } from './format';
import { Sparkline } from './Sparkline';

export type ObjectiveState =
  | { readonly status: 'loading' }
  | { readonly status: 'absent' }
  | { readonly status: 'loaded'; readonly view: ObjectiveView }
  | { readonly status: 'failed'; readonly error: unknown };

const sourceText: Record<ObjectiveView['source'], { label: string; tone: Tone; explain: string }> = {
  operator: { label: 'operator', tone: 'info', explain: 'set through PUT /api/objective' },
  event: { label: 'OpenADR event', tone: 'warn', explain: 'an active OpenADR event from openadr.events' },
  none: { label: 'none', tone: 'neutral', explain: 'no operator objective and no active OpenADR event' },
};

/** The objective agent (SPEC §6.9): what pushes the market now and the bid it places for that. */
export function ObjectivePanel({ objective }: { objective: ObjectiveState }) {
  return (
    <Panel title="Objective agent">
      {objective.status === 'loading' && <div className="pm-empty">loading…</div>}
      {objective.status === 'failed' && <ProblemView error={objective.error} />}
      {objective.status === 'absent' && (
        <div className="pm-empty">
          <strong>No objective agent</strong>
          This instance runs none (a remote concentrator, or PM_OBJECTIVE_ENABLED=false).
        </div>
      )}
      {objective.status === 'loaded' && <ObjectiveBody view={objective.view} />}
    </Panel>
  );
}

function ObjectiveBody({ view }: { view: ObjectiveView }) {
  const source = sourceText[view.source];
  const low = view.demand.length > 0 ? Math.min(...view.demand) : 0;
  const high = view.demand.length > 0 ? Math.max(...view.demand) : 0;
  return (
    <>
      <dl className="pm-figures" aria-label="objective">
        <div>
          <dt>source</dt>
          <dd>
            <StatusBadge tone={source.tone} title={source.explain}>
              {source.label}
            </StatusBadge>
          </dd>
        </div>
        <div>
          <dt>mode</dt>
          <dd>{view.mode}</dd>
        </div>
        {view.eventId !== undefined && (
          <div>
            <dt>OpenADR event</dt>
            <dd className="pm-mono">{view.eventId}</dd>
          </div>
        )}
        <div>
          <dt>its bid</dt>
          <dd className="pm-num pm-bid">
            <Sparkline demand={view.demand} label="objective bid" />
            {low === high ? `flat ${formatPower(high)}` : `${formatPower(high)} … ${formatPower(low)}`}
          </dd>
        </div>
      </dl>
      <p className="pm-note">
        {view.source === 'none'
          ? 'The objective agent bids 0 W. An operator sets an objective with PUT /api/objective (bearer token); an OpenADR event on openadr.events sets one while it is active.'
          : `Active: ${source.explain}. A positive bid asks the rest of the cluster to produce, a negative one offers power.`}
      </p>
    </>
  );
}
