/** The VENs: online state and last seen (ON-5), registration, and one VEN's report registrations. */
import { type Column, formatDateTime, Panel, ProblemView } from '@flexgrid/ui';
import { Fragment, useCallback, useEffect, useMemo, useState } from 'react';
import { api, type QueueItem, type Ven, type VenOpt, type VenReports } from './api';
import { QueueStateBadge, RegistrationBadge, VenStateBadge } from './badges';
import { Ago } from './ago';
import { humanDuration } from './format';
import { LargeTable } from './large-table';

const needsAttention = (v: Ven) => !v.online || v.registration !== 'active';

function stateOrder(ven: Ven): number {
  if (ven.registration !== 'active' || ven.removed) return 2;
  return ven.online ? 0 : 1;
}

export function VensPanel({
  vens,
  selected,
  onSelect,
}: {
  vens: readonly Ven[];
  selected: string | undefined;
  onSelect: (venId: string) => void;
}) {
  const online = vens.filter((v) => v.online && v.registration === 'active').length;
  const columns = useMemo<Column<Ven>[]>(
    () => [
      {
        id: 'venId',
        header: 'VEN',
        value: (v) => v.venId,
        text: (v) => `${v.venId} ${v.venName ?? ''}`,
        render: (v) => (
          <>
            <span className="vtn-id">{v.venId}</span>
            {v.venName && <span className="fg-muted"> {v.venName}</span>}
          </>
        ),
      },
      {
        id: 'state',
        header: 'state',
        value: (v) => stateOrder(v),
        text: (v) => (v.registration !== 'active' ? v.registration : v.online ? 'online' : 'offline'),
        render: (v) => <VenStateBadge ven={v} />,
      },
      {
        id: 'lastSeen',
        header: 'last seen',
        value: (v) => (v.lastSeen ? new Date(v.lastSeen) : null),
        text: (v) => formatDateTime(v.lastSeen),
        render: (v) =>
          v.lastSeen ? (
            <span title={v.lastSeen}>
              <Ago iso={v.lastSeen} />
              <span className="fg-muted"> · {formatDateTime(v.lastSeen)}</span>
            </span>
          ) : (
            <span className="fg-muted">never</span>
          ),
      },
      {
        id: 'since',
        header: 'online / offline since',
        value: (v) => {
          const since = v.online ? v.onlineSince : v.offlineSince;
          return since ? new Date(since) : null;
        },
        text: (v) => formatDateTime(v.online ? v.onlineSince : v.offlineSince),
        render: (v) => formatDateTime(v.online ? v.onlineSince : v.offlineSince),
      },
      {
        id: 'poll',
        header: 'poll every (s)',
        value: (v) => v.pollFreqSeconds,
        align: 'right',
        render: (v) => v.pollFreqSeconds ?? '—',
      },
      {
        id: 'registration',
        header: 'registration',
        value: (v) => v.registration,
        render: (v) => <RegistrationBadge registration={v.registration} />,
      },
      {
        id: 'resources',
        header: 'resources',
        value: (v) => v.resources.length,
        text: (v) => v.resources.join(' '),
        align: 'right',
      },
      { id: 'groups', header: 'groups', value: (v) => v.groups.join(', ') || '—' },
    ],
    [],
  );
  return (
    <Panel
      title="VENs"
      wide
      actions={
        <span className="fg-muted" aria-label="VENs online">
          {online.toLocaleString()} of {vens.length.toLocaleString()} online
        </span>
      }
    >
      <LargeTable
        label="VENs"
        columns={columns}
        rows={vens}
        rowKey={(v) => v.venId}
        initialSort={{ columnId: 'venId', direction: 'asc' }}
        onRowClick={(v) => onSelect(v.venId)}
        selectedKey={selected}
        filterPlaceholder="filter, e.g. offline"
        noun="VENs"
        attention={needsAttention}
        attentionText="VENs that are not online"
        emptyText="No VEN has registered yet. A VEN appears here when it sends oadrCreatePartyRegistration to this VTN's OpenADR listener (or when you provision one with PUT /api/v1/vens/{venId})."
      />
    </Panel>
  );
}

export function VenDetail({ token, ven, onClose }: { token: string; ven: Ven; onClose: () => void }) {
  const [reports, setReports] = useState<VenReports>();
  const [queue, setQueue] = useState<QueueItem[]>();
  const [opts, setOpts] = useState<VenOpt[]>();
  const [error, setError] = useState<unknown>();
  const path = `/vens/${encodeURIComponent(ven.venId)}`;
  const load = useCallback(() => {
    setError(undefined);
    Promise.all([
      api<VenReports>(token, `${path}/reports`),
      api<QueueItem[]>(token, `${path}/queue`),
      api<VenOpt[]>(token, `${path}/opts`),
    ]).then(([r, q, o]) => {
      setReports(r);
      setQueue(q);
      setOpts(o);
    }, setError);
  }, [token, path]);
  // Not part of the live snapshot: read again whenever the VEN's row changes (a poll, a registration).
  useEffect(load, [load, ven.lastSeen, ven.registrationId, ven.registration]);

  const registrations = reports?.registrations ?? [];
  return (
    <Panel
      title={`VEN ${ven.venId}`}
      wide
      actions={
        <button type="button" className="fg-button" onClick={onClose}>
          close
        </button>
      }
    >
      <dl className="vtn-facts">
        <dt>name</dt>
        <dd>{ven.venName ?? '—'}</dd>
        <dt>state</dt>
        <dd>
          <VenStateBadge ven={ven} />
        </dd>
        <dt>registration ID</dt>
        <dd className="vtn-id">{ven.registrationId ?? '—'}</dd>
        <dt>last seen</dt>
        <dd>{formatDateTime(ven.lastSeen)}</dd>
        <dt>poll frequency</dt>
        <dd>{ven.pollFreqSeconds ? humanDuration(ven.pollFreqSeconds) : '—'}</dd>
        <dt>certificate fingerprint</dt>
        <dd className="vtn-id">{ven.fingerprint ?? 'none (plain HTTP)'}</dd>
        <dt>resources</dt>
        <dd>{ven.resources.join(', ') || '—'}</dd>
        <dt>report only</dt>
        <dd>{ven.reportOnly ? 'yes' : 'no'}</dd>
        {Object.entries(ven.status).map(([rId, value]) => (
          <Fragment key={rId}>
            <dt>status {rId}</dt>
            <dd>{typeof value === 'object' ? JSON.stringify(value) : String(value)}</dd>
          </Fragment>
        ))}
      </dl>
      {error !== undefined && <ProblemView error={error} onRetry={load} />}
      <h3 className="vtn-subheading">Report registrations (oadrRegisterReport)</h3>
      <table className="fg-table" aria-label="report registrations">
        <thead>
          <tr>
            <th>report</th>
            <th>specifier</th>
            <th className="vtn-right">data points</th>
            <th>rIDs</th>
            <th>registered</th>
          </tr>
        </thead>
        <tbody>
          {registrations.map((r) => (
            <tr key={r.reportSpecifierId}>
              <td>{r.reportName}</td>
              <td className="vtn-id">{r.reportSpecifierId}</td>
              <td className="vtn-right">{r.descriptions.length}</td>
              <td>{r.descriptions.map((d) => `${d.rID} (${d.reportType})`).join(', ')}</td>
              <td>{formatDateTime(r.registeredAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {reports && registrations.length === 0 && (
        <p className="fg-empty">
          This VEN has registered no reports. It does so with oadrRegisterReport after registering.
        </p>
      )}
      {reports && reports.requests.length > 0 && (
        <>
          <h3 className="vtn-subheading">Report requests (oadrCreateReport)</h3>
          <table className="fg-table" aria-label="report requests">
            <thead>
              <tr>
                <th>report</th>
                <th>request</th>
                <th className="vtn-right">granularity (s)</th>
                <th className="vtn-right">report back (s)</th>
                <th>state</th>
                <th>created</th>
              </tr>
            </thead>
            <tbody>
              {reports.requests.map((r) => (
                <tr key={r.reportRequestId}>
                  <td>{r.reportName}</td>
                  <td className="vtn-id">{r.reportRequestId}</td>
                  <td className="vtn-right">{r.granularitySeconds}</td>
                  <td className="vtn-right">{r.reportBackSeconds}</td>
                  <td>{r.state}</td>
                  <td>{formatDateTime(r.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <h3 className="vtn-subheading">Poll queue (newest first)</h3>
      {queue && queue.length === 0 && (
        <p className="fg-empty">Nothing was ever queued for this VEN: events and report requests for it appear here.</p>
      )}
      {queue && queue.length > 0 && (
        <table className="fg-table" aria-label="poll queue">
          <thead>
            <tr>
              <th className="vtn-right">item</th>
              <th>payload</th>
              <th>state</th>
              <th className="vtn-right">deliveries</th>
              <th>last delivered</th>
              <th>queued</th>
            </tr>
          </thead>
          <tbody>
            {queue.map((item) => (
              <tr key={item.id}>
                <td className="vtn-right">{item.id}</td>
                <td>{item.kind === 'distribute' ? 'oadrDistributeEvent' : item.kind}</td>
                <td>
                  <QueueStateBadge state={item.state} />
                </td>
                <td className="vtn-right">{item.attempts}</td>
                <td>{formatDateTime(item.lastDeliveredAt)}</td>
                <td>{formatDateTime(item.createdAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {opts && opts.length > 0 && (
        <>
          <h3 className="vtn-subheading">Opts sent by the VEN (oadrCreateOpt)</h3>
          <table className="fg-table" aria-label="EiOpt">
            <thead>
              <tr>
                <th>opt</th>
                <th>for</th>
                <th>type</th>
                <th>reason</th>
                <th>state</th>
                <th>received</th>
              </tr>
            </thead>
            <tbody>
              {opts.map((o) => (
                <tr key={o.optId}>
                  <td className="vtn-id">{o.optId}</td>
                  <td>
                    {o.kind === 'event' ? `event ${o.eventId} (version ${o.modificationNumber ?? 'any'})` : 'schedule'}
                  </td>
                  <td>{o.optType}</td>
                  <td>{o.optReason}</td>
                  <td>{o.state}</td>
                  <td>{formatDateTime(o.receivedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </Panel>
  );
}
