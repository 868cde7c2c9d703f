/** The events: status, modification number, signals and intervals, and per VEN its delivery and opt. */
import { type Column, DataTable, formatDateTime, localZoneName, Panel, ProblemView } from '@flexgrid/ui';
import { useMemo, useState } from 'react';
import { api, type EventVen, type Signal, type Targets, type VtnEvent } from './api';
import { DeliveryBadge, EventStatusBadge, OptBadge } from './badges';
import { Ago } from './ago';
import { durationSeconds, humanDuration, unitsText } from './format';
import { LargeTable } from './large-table';

/** A UUID's first block is enough to tell events apart at a glance; the whole ID is on hover and in the detail. */
const shortId = (id: string) => (/^[0-9a-f]{8}-[0-9a-f-]{27}$/i.test(id) ? `${id.slice(0, 8)}…` : id);

const statusOrder = { active: 0, near: 1, far: 2, completed: 3, cancelled: 4 } as const;

export function targetsText(targets: Targets): string {
  if (targets.all) return 'all VENs';
  const parts: string[] = [];
  if (targets.venIds?.length) parts.push(`VENs ${targets.venIds.join(', ')}`);
  if (targets.groupIds?.length) parts.push(`groups ${targets.groupIds.join(', ')}`);
  if (targets.resourceIds?.length) parts.push(`resources ${targets.resourceIds.join(', ')}`);
  if (targets.partyIds?.length) parts.push(`parties ${targets.partyIds.join(', ')}`);
  return parts.join('; ') || 'nobody';
}

function signalText(signal: Signal): string {
  const units = unitsText(signal.units);
  const values = signal.intervals.map((i) => i.value).join(' → ');
  return `${signal.name} ${signal.type}: ${values}${units ? ` ${units}` : ''}`;
}

const eventSeconds = (event: VtnEvent) =>
  Math.max(0, ...event.signals.map((s) => s.intervals.reduce((sum, i) => sum + durationSeconds(i.duration), 0)));

const notAcked = (v: EventVen) => v.matched && v.delivery !== 'acked';

const counted = new WeakMap<readonly EventVen[], ReturnType<typeof countVens>>();
/** Counted once per snapshot of an event, not once per cell. */
function optCounts(vens: readonly EventVen[]) {
  let counts = counted.get(vens);
  if (!counts) counted.set(vens, (counts = countVens(vens)));
  return counts;
}

/** "3 optIn · 1 optOut · 1 none" over the VENs the event targets. */
function countVens(vens: readonly EventVen[]) {
  const targeted = vens.filter((v) => v.matched);
  return {
    optIn: targeted.filter((v) => v.opt === 'optIn').length,
    optOut: targeted.filter((v) => v.opt === 'optOut').length,
    none: targeted.filter((v) => !v.opt).length,
    acked: targeted.filter((v) => v.delivery === 'acked').length,
    delivered: targeted.filter((v) => v.delivery !== 'queued').length,
    targeted: targeted.length,
  };
}

export function EventsPanel({
  events,
  selected,
  onSelect,
  onCreate,
}: {
  events: readonly VtnEvent[];
  selected: string | undefined;
  onSelect: (eventId: string) => void;
  onCreate: () => void;
}) {
  const columns = useMemo<Column<VtnEvent>[]>(
    () => [
      {
        id: 'eventId',
        header: 'event',
        value: (e) => e.eventId,
        text: (e) => `${e.eventId} ${e.vtnComment ?? ''}`,
        render: (e) => (
          <>
            <span className="vtn-id" title={e.eventId}>
              {shortId(e.eventId)}
            </span>
            {e.vtnComment && <span className="fg-muted"> {e.vtnComment}</span>}
            {e.testEvent && <span className="fg-muted"> (test)</span>}
          </>
        ),
      },
      {
        id: 'status',
        header: 'status',
        value: (e) => statusOrder[e.status],
        text: (e) => e.status,
        render: (e) => <EventStatusBadge status={e.status} />,
      },
      {
        id: 'modificationNumber',
        header: 'modification',
        value: (e) => e.modificationNumber,
        align: 'right',
      },
      {
        id: 'start',
        header: `start (${localZoneName})`,
        value: (e) => new Date(e.start),
        text: (e) => formatDateTime(e.start),
        render: (e) => (
          <span title={e.start}>
            {formatDateTime(e.start)}{' '}
            <span className="fg-muted">
              (<Ago iso={e.start} />)
            </span>
          </span>
        ),
      },
      {
        id: 'duration',
        header: 'duration',
        value: (e) => eventSeconds(e),
        render: (e) => humanDuration(eventSeconds(e)),
        align: 'right',
      },
      { id: 'signals', header: 'signals', value: (e) => e.signals.map(signalText).join('; ') },
      { id: 'targets', header: 'targets', value: (e) => targetsText(e.targets) },
      {
        id: 'delivery',
        header: 'acked / targeted',
        value: (e) => optCounts(e.vens).acked,
        align: 'right',
        render: (e) => {
          const c = optCounts(e.vens);
          return `${c.acked} / ${c.targeted}`;
        },
      },
      {
        id: 'opts',
        header: 'opts',
        value: (e) => optCounts(e.vens).optIn,
        text: (e) => {
          const c = optCounts(e.vens);
          return `optIn ${c.optIn} optOut ${c.optOut} none ${c.none}`;
        },
        render: (e) => {
          const c = optCounts(e.vens);
          return (
            <span aria-label={`opts of ${e.eventId}`}>
              <span className="vtn-opt-in">{c.optIn} in</span> · <span className="vtn-opt-out">{c.optOut} out</span> ·{' '}
              <span className="fg-muted">{c.none} none</span>
            </span>
          );
        },
      },
    ],
    [],
  );
  return (
    <Panel
      title="Events"
      wide
      actions={
        <button type="button" className="fg-button vtn-primary" onClick={onCreate}>
          new event
        </button>
      }
    >
      <DataTable
        label="events"
        columns={columns}
        rows={events}
        rowKey={(e) => e.eventId}
        initialSort={{ columnId: 'start', direction: 'desc' }}
        onRowClick={(e) => onSelect(e.eventId)}
        selectedKey={selected}
        filterPlaceholder="filter, e.g. active"
        emptyText="No event ahead, running or ended within the last hour. Create one with “new event” (or POST /api/v1/events); the targeted VENs get it on their next oadrPoll."
      />
    </Panel>
  );
}

function SignalTable({ signal, start }: { signal: Signal; start: string }) {
  const units = unitsText(signal.units);
  let at = Date.parse(start);
  const rows = signal.intervals.map((interval, index) => {
    const row = { index, start: new Date(at).toISOString(), ...interval };
    at += durationSeconds(interval.duration) * 1000;
    return row;
  });
  return (
    <table className="fg-table vtn-intervals" aria-label={`intervals of ${signal.name}`}>
      <caption>
        {signal.name}{' '}
        <span className="fg-muted">
          ({signal.type}
          {units ? `, ${units}` : ''})
        </span>
      </caption>
      <thead>
        <tr>
          <th className="vtn-right">#</th>
          <th>start ({localZoneName})</th>
          <th>duration</th>
          <th className="vtn-right">value{units ? ` (${units})` : ''}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.index}>
            <td className="vtn-right">{r.index}</td>
            <td>{formatDateTime(r.start)}</td>
            <td>{humanDuration(durationSeconds(r.duration))}</td>
            <td className="vtn-right">{r.value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The per-VEN table of an event's detail. */
const venColumns: Column<EventVen>[] = [
  { id: 'venId', header: 'VEN', value: (v) => v.venId, render: (v) => <span className="vtn-id">{v.venId}</span> },
  {
    id: 'delivery',
    header: 'delivery',
    value: (v) => v.delivery,
    render: (v) => <DeliveryBadge delivery={v.delivery} />,
  },
  {
    id: 'deliveredModificationNumber',
    header: 'delivered version',
    value: (v) => v.deliveredModificationNumber,
    align: 'right',
    render: (v) => v.deliveredModificationNumber ?? '—',
  },
  {
    id: 'deliveredAt',
    header: 'delivered at',
    value: (v) => (v.deliveredAt ? new Date(v.deliveredAt) : null),
    render: (v) => formatDateTime(v.deliveredAt),
  },
  { id: 'opt', header: 'opt', value: (v) => v.opt ?? 'none', render: (v) => <OptBadge ven={v} /> },
  {
    id: 'respondedAt',
    header: 'answered at',
    value: (v) => (v.respondedAt ? new Date(v.respondedAt) : null),
    render: (v) => formatDateTime(v.respondedAt),
  },
];

export function EventDetail({
  token,
  event,
  onModify,
  onCancelled,
  onClose,
}: {
  token: string;
  event: VtnEvent;
  onModify: () => void;
  onCancelled: (event: VtnEvent) => void;
  onClose: () => void;
}) {
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const c = optCounts(event.vens);
  const closed = event.cancelled || event.status === 'completed';

  const cancel = () => {
    setBusy(true);
    setError(undefined);
    api<VtnEvent>(token, `/events/${encodeURIComponent(event.eventId)}`, {
      method: 'DELETE',
      headers: { 'if-match': `"${event.modificationNumber}"` },
    })
      .then((cancelled) => {
        setConfirming(false);
        onCancelled(cancelled);
      }, setError)
      .finally(() => setBusy(false));
  };

  return (
    <Panel
      title={`Event ${event.eventId}`}
      wide
      actions={
        <span className="vtn-actions">
          {!closed && (
            <button type="button" className="fg-button" onClick={onModify}>
              modify
            </button>
          )}
          {!closed && !confirming && (
            <button type="button" className="fg-button vtn-danger" onClick={() => setConfirming(true)}>
              cancel event…
            </button>
          )}
          {confirming && (
            <>
              <button type="button" className="fg-button vtn-danger" disabled={busy} onClick={cancel}>
                confirm: cancel this event
              </button>
              <button type="button" className="fg-button" onClick={() => setConfirming(false)}>
                keep it
              </button>
            </>
          )}
          <button type="button" className="fg-button" onClick={onClose}>
            close
          </button>
        </span>
      }
    >
      {error !== undefined && <ProblemView error={error} />}
      <dl className="vtn-facts">
        <dt>status</dt>
        <dd>
          <EventStatusBadge status={event.status} />
        </dd>
        <dt>modification</dt>
        <dd>
          {event.modificationNumber === 0 ? (
            <>
              0 <span className="fg-muted">(as created {formatDateTime(event.createdDateTime)})</span>
            </>
          ) : (
            <>
              {event.modificationNumber}
              {event.modificationReason && <span className="fg-muted"> ({event.modificationReason})</span>}
              <span className="fg-muted"> · {formatDateTime(event.modificationDateTime)}</span>
            </>
          )}
        </dd>
        <dt>start</dt>
        <dd>{formatDateTime(event.start)}</dd>
        <dt>targets</dt>
        <dd>{targetsText(event.targets)}</dd>
        <dt>market context</dt>
        <dd className="vtn-id">{event.marketContext}</dd>
        <dt>priority</dt>
        <dd>{event.priority}</dd>
        <dt>response required</dt>
        <dd>{event.responseRequired}</dd>
        <dt>notification · ramp-up · recovery</dt>
        <dd>
          {[event.notification, event.rampUp, event.recovery]
            .map((d) => (d ? humanDuration(durationSeconds(d)) : '—'))
            .join(' · ')}
        </dd>
        <dt>VENs</dt>
        <dd>
          {c.targeted} targeted, {c.delivered} delivered, {c.acked} acked; {c.optIn} optIn, {c.optOut} optOut, {c.none}{' '}
          without an answer
        </dd>
      </dl>
      <h3 className="vtn-subheading">Signals and intervals</h3>
      <div className="vtn-signals">
        {event.signals.map((s) => (
          <SignalTable key={s.id} signal={s} start={event.start} />
        ))}
      </div>
      <h3 className="vtn-subheading">Delivery and opt per VEN</h3>
      <LargeTable
        label={`VENs of event ${event.eventId}`}
        columns={venColumns}
        rows={event.vens}
        rowKey={(v) => v.venId}
        initialSort={{ columnId: 'venId', direction: 'asc' }}
        noun="VENs"
        attention={notAcked}
        attentionText="VENs that have not acknowledged this version"
        emptyText="No registered VEN matches the targets. A VEN that registers later and matches them gets the event on its next poll."
      />
    </Panel>
  );
}
