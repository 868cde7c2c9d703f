/**
 * Creating and modifying an event through the operator API (POST /api/v1/events, PATCH with If-Match): one
 * signal with its intervals, the targets and the timing; the API's problem+json answers are shown as they are.
 */
import { localZoneName, Panel, ProblemView } from '@flexgrid/ui';
import { type FormEvent, useState } from 'react';
import { api, type Signal, type SignalUnits, type VtnEvent } from './api';
import { targetsText } from './events';
import { durationSeconds, isoMinutes, unitsText } from './format';

const signalNames = ['SIMPLE', 'ELECTRICITY_PRICE', 'ENERGY_PRICE', 'LOAD_DISPATCH', 'LOAD_CONTROL', 'CHARGE_STATE'];
const signalTypes = ['level', 'price', 'delta', 'setpoint', 'multiplier', 'x-loadControlCapacity'];
const unitChoices: { label: string; units?: SignalUnits }[] = [
  { label: 'none' },
  { label: 'W', units: { item: 'powerReal', units: 'W', scale: 'none' } },
  { label: 'kW', units: { item: 'powerReal', units: 'W', scale: 'k' } },
  { label: 'EUR/kWh', units: { item: 'currencyPerKWh', units: 'EUR', scale: 'none' } },
  { label: 'USD/kWh', units: { item: 'currencyPerKWh', units: 'USD', scale: 'none' } },
];

interface IntervalRow {
  minutes: string;
  value: string;
}

/** A datetime-local input's value (local time, no zone) for an instant. */
function localInputValue(t: number): string {
  const d = new Date(t);
  const pad = (n: number) => String(n).padStart(2, '0');
  const date = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  return `${date}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

const listOf = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);

export function EventForm({
  token,
  event,
  onDone,
  onClose,
}: {
  token: string;
  /** The event to modify; a new one when absent. */
  event?: VtnEvent;
  onDone: (event: VtnEvent) => void;
  onClose: () => void;
}) {
  const signal: Signal | undefined = event?.signals[0];
  // The version the operator started from: a change by someone else meanwhile makes the VTN answer 412.
  const [baseVersion] = useState(event?.modificationNumber);
  // A modification keeps the targets unless the operator picks new ones (they may name resources or parties,
  // which this form does not edit).
  const [targetMode, setTargetMode] = useState<'unchanged' | 'all' | 'vens' | 'groups'>(event ? 'unchanged' : 'all');
  const [venIds, setVenIds] = useState((event?.targets.venIds ?? []).join(', '));
  const [groupIds, setGroupIds] = useState((event?.targets.groupIds ?? []).join(', '));
  const [initialStart] = useState(() =>
    localInputValue(event ? Date.parse(event.start) : Math.ceil((Date.now() + 600_000) / 60_000) * 60_000),
  );
  const [start, setStart] = useState(initialStart);
  const [notification, setNotification] = useState(
    event?.notification ? String(durationSeconds(event.notification) / 60) : '0',
  );
  const [name, setName] = useState(signal?.name ?? 'SIMPLE');
  const [type, setType] = useState(signal?.type ?? 'level');
  const [unitLabel, setUnitLabel] = useState(
    signal?.units
      ? (unitChoices.find((u) => u.units && unitsText(u.units) === unitsText(signal.units))?.label ?? 'none')
      : 'none',
  );
  const [intervals, setIntervals] = useState<IntervalRow[]>(
    signal?.intervals.map((i) => ({ minutes: String(durationSeconds(i.duration) / 60), value: String(i.value) })) ?? [
      { minutes: '30', value: '1' },
      { minutes: '30', value: '2' },
    ],
  );
  const [priority, setPriority] = useState(String(event?.priority ?? 0));
  const [responseRequired, setResponseRequired] = useState(event?.responseRequired ?? 'always');
  const [testEvent, setTestEvent] = useState(event?.testEvent ?? false);
  const [comment, setComment] = useState(event?.vtnComment ?? '');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const updateInterval = (index: number, change: Partial<IntervalRow>) =>
    setIntervals((rows) => rows.map((row, i) => (i === index ? { ...row, ...change } : row)));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const units = unitChoices.find((u) => u.label === unitLabel)?.units;
    const edited = {
      ...(signal && { id: signal.id }),
      name,
      type,
      ...(units && { units }),
      // Numbers as typed: a wrong one is the API's to refuse (422 with a pointer), not the form's to hide.
      intervals: intervals.map((row) => ({
        duration: row.minutes.trim() === '' ? '' : isoMinutes(Math.round(Number(row.minutes))),
        value: row.value.trim() === '' ? null : Number(row.value),
      })),
    };
    const body = {
      ...(targetMode !== 'unchanged' && {
        targets:
          targetMode === 'all'
            ? { all: true }
            : targetMode === 'vens'
              ? { venIds: listOf(venIds) }
              : { groupIds: listOf(groupIds) },
      }),
      ...((!event || start !== initialStart) && { start: new Date(start).toISOString() }),
      notification: isoMinutes(Math.max(0, Math.round(Number(notification) || 0))),
      signals: [edited, ...(event?.signals.slice(1) ?? [])],
      priority: Number(priority),
      responseRequired,
      testEvent,
      ...(comment && { vtnComment: comment }),
      ...(event && reason && { modificationReason: reason }),
    };
    setBusy(true);
    setError(undefined);
    const request = event
      ? api<VtnEvent>(token, `/events/${encodeURIComponent(event.eventId)}`, {
          method: 'PATCH',
          body,
          headers: { 'if-match': `"${baseVersion}"` },
        })
      : api<VtnEvent>(token, '/events', { method: 'POST', body });
    request.then(onDone, setError).finally(() => setBusy(false));
  };

  return (
    <Panel
      title={event ? `Modify event ${event.eventId} (version ${baseVersion})` : 'New event'}
      wide
      actions={
        <button type="button" className="fg-button" onClick={onClose}>
          close
        </button>
      }
    >
      <form className="vtn-form" onSubmit={submit} aria-label={event ? 'modify event' : 'new event'}>
        <fieldset>
          <legend>Targets</legend>
          {event && (
            <label>
              <input type="radio" checked={targetMode === 'unchanged'} onChange={() => setTargetMode('unchanged')} />{' '}
              unchanged: {targetsText(event.targets)}
            </label>
          )}
          <label>
            <input type="radio" checked={targetMode === 'all'} onChange={() => setTargetMode('all')} /> all VENs
          </label>
          <label>
            <input type="radio" checked={targetMode === 'vens'} onChange={() => setTargetMode('vens')} /> these VENs
          </label>
          <label>
            <input type="radio" checked={targetMode === 'groups'} onChange={() => setTargetMode('groups')} /> these
            groups
          </label>
          {targetMode === 'vens' && (
            <input
              className="fg-input"
              aria-label="venIDs"
              placeholder="ven-0001, ven-0002"
              value={venIds}
              onChange={(e) => setVenIds(e.target.value)}
            />
          )}
          {targetMode === 'groups' && (
            <input
              className="fg-input"
              aria-label="groupIDs"
              placeholder="north, south"
              value={groupIds}
              onChange={(e) => setGroupIds(e.target.value)}
            />
          )}
        </fieldset>
        <fieldset>
          <legend>Timing</legend>
          <label>
            start ({localZoneName})
            <input
              type="datetime-local"
              step="1"
              className="fg-input"
              required
              value={start}
              onChange={(e) => setStart(e.target.value)}
            />
          </label>
          <label>
            notification (min)
            <input
              type="number"
              min="0"
              className="fg-input vtn-number"
              value={notification}
              onChange={(e) => setNotification(e.target.value)}
            />
          </label>
          <label>
            priority
            <input
              type="number"
              min="0"
              className="fg-input vtn-number"
              value={priority}
              onChange={(e) => setPriority(e.target.value)}
            />
          </label>
          <label>
            response required
            <select
              className="fg-input"
              value={responseRequired}
              onChange={(e) => setResponseRequired(e.target.value as 'always' | 'never')}
            >
              <option value="always">always (VENs opt in or out)</option>
              <option value="never">never</option>
            </select>
          </label>
          <label>
            <input type="checkbox" checked={testEvent} onChange={(e) => setTestEvent(e.target.checked)} /> test event
          </label>
        </fieldset>
        <fieldset>
          <legend>
            Signal
            {event && event.signals.length > 1 ? ` (the first of ${event.signals.length}; the others are kept)` : ''}
          </legend>
          <label>
            name
            <select className="fg-input" value={name} onChange={(e) => setName(e.target.value)}>
              {signalNames.map((n) => (
                <option key={n}>{n}</option>
              ))}
            </select>
          </label>
          <label>
            type
            <select className="fg-input" value={type} onChange={(e) => setType(e.target.value)}>
              {signalTypes.map((n) => (
                <option key={n}>{n}</option>
              ))}
            </select>
          </label>
          <label>
            units
            <select className="fg-input" value={unitLabel} onChange={(e) => setUnitLabel(e.target.value)}>
              {unitChoices.map((u) => (
                <option key={u.label}>{u.label}</option>
              ))}
            </select>
          </label>
          <table className="fg-table vtn-interval-editor" aria-label="intervals to send">
            <thead>
              <tr>
                <th className="vtn-right">#</th>
                <th className="vtn-right">duration (min)</th>
                <th className="vtn-right">value{unitLabel !== 'none' ? ` (${unitLabel})` : ''}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {intervals.map((row, index) => (
                <tr key={index}>
                  <td className="vtn-right">{index}</td>
                  <td>
                    <input
                      type="number"
                      min="1"
                      className="fg-input vtn-number"
                      aria-label={`interval ${index} duration in minutes`}
                      value={row.minutes}
                      onChange={(e) => updateInterval(index, { minutes: e.target.value })}
                    />
                  </td>
                  <td>
                    <input
                      type="number"
                      step="any"
                      className="fg-input vtn-number"
                      aria-label={`interval ${index} value`}
                      value={row.value}
                      onChange={(e) => updateInterval(index, { value: e.target.value })}
                    />
                  </td>
                  <td>
                    <button
                      type="button"
                      className="fg-button"
                      disabled={intervals.length === 1}
                      onClick={() => setIntervals((rows) => rows.filter((_, i) => i !== index))}
                    >
                      remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <button
            type="button"
            className="fg-button"
            onClick={() => setIntervals((rows) => [...rows, { minutes: '30', value: '1' }])}
          >
            add interval
          </button>
        </fieldset>
        <fieldset>
          <legend>Notes</legend>
          <label>
            comment (vtnComment)
            <input className="fg-input" value={comment} onChange={(e) => setComment(e.target.value)} />
          </label>
          {event && (
            <label>
              modification reason
              <input className="fg-input" value={reason} onChange={(e) => setReason(e.target.value)} />
            </label>
          )}
        </fieldset>
        {error !== undefined && <ProblemView error={error} />}
        <div className="vtn-form-actions">
          <button type="submit" className="fg-button vtn-primary" disabled={busy}>
            {event ? 'send modification' : 'create event'}
          </button>
          <span className="fg-muted">
            {event
              ? `Sent with If-Match "${baseVersion}": if someone changed the event meanwhile, the VTN refuses it (412).`
              : 'The targeted VENs receive it on their next oadrPoll.'}
          </span>
        </div>
      </form>
    </Panel>
  );
}
