import {
  type Column,
  DataTable,
  formatDateTime,
  type LiveStreamStatus,
  Panel,
  ProblemView,
  useLiveStream,
} from '@flexgrid/ui';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, liveUrl, type SessionSummary } from './api';
import { verdictBadge } from './session';

/*
 * Every session, newest first, with its verdict; filters by pair and errors; a transcript import. The list
 * follows /api/live: a session that starts or ends shows up within a second.
 */

const columns: Column<SessionSummary>[] = [
  {
    id: 'started',
    header: 'started',
    value: (s) => new Date(s.startedAt),
    text: (s) => s.startedAt,
    render: (s) => formatDateTime(s.startedAt),
  },
  { id: 'rm', header: 'RM', value: (s) => s.rmId },
  { id: 'cem', header: 'CEM', value: (s) => s.cemId },
  { id: 'origin', header: 'origin', value: (s) => s.origin },
  { id: 'frames', header: 'frames', value: (s) => s.frames, align: 'right' },
  { id: 'errors', header: 'errors', value: (s) => s.errors, align: 'right' },
  { id: 'verdict', header: 'verdict', value: (s) => s.verdict, render: (s) => verdictBadge(s) },
  {
    id: 'ended',
    header: 'ended',
    value: (s) => s.endReason ?? (s.live ? 'live' : ''),
    render: (s) => (s.endedAt ? s.endReason : ''),
  },
];

export interface SessionListProps {
  open(id: string): void;
  onConnection(status: LiveStreamStatus): void;
}

export function SessionList({ open, onConnection }: SessionListProps) {
  const [sessions, setSessions] = useState<SessionSummary[]>([]);
  const [error, setError] = useState<unknown>();
  const [rm, setRm] = useState('');
  const [cem, setCem] = useState('');
  const [errors, setErrors] = useState<'' | 'true' | 'false'>('');
  const stale = useRef(true);
  const file = useRef<HTMLInputElement>(null);

  const load = useCallback(() => {
    const query = new URLSearchParams({ limit: '500' });
    if (rm) query.set('rm', rm);
    if (cem) query.set('cem', cem);
    if (errors) query.set('hasErrors', errors);
    api.sessions(query.toString()).then((page) => {
      setSessions(page.sessions);
      setError(undefined);
    }, setError);
  }, [rm, cem, errors]);

  useEffect(load, [load]);
  // Reloaded at most once a second while sessions start, end or grow.
  useEffect(() => {
    const timer = setInterval(() => {
      if (stale.current) {
        stale.current = false;
        load();
      }
    }, 1000);
    return () => clearInterval(timer);
  }, [load]);

  const live = useLiveStream({
    url: liveUrl(),
    transport: 'websocket',
    onMessage: () => {
      stale.current = true;
    },
  });
  useEffect(() => onConnection(live), [live, onConnection]);

  const importFile = async (chosen: File) => {
    try {
      const session = await api.importTranscript(await chosen.text(), chosen.name.replace(/\.jsonl$/, ''));
      open(session.id);
    } catch (problem) {
      setError(problem);
    }
  };

  return (
    <Panel
      title="Sessions"
      wide
      actions={
        <>
          <input
            ref={file}
            type="file"
            accept=".jsonl,.json,.txt"
            hidden
            onChange={(e) => e.target.files?.[0] && void importFile(e.target.files[0])}
          />
          <button className="fg-button" onClick={() => file.current?.click()}>
            import transcript
          </button>
        </>
      }
    >
      <div className="s2-filters">
        <input
          aria-label="RM id"
          className="fg-input"
          placeholder="RM id"
          value={rm}
          onChange={(e) => setRm(e.target.value)}
        />
        <input
          aria-label="CEM id"
          className="fg-input"
          placeholder="CEM id"
          value={cem}
          onChange={(e) => setCem(e.target.value)}
        />
        <select
          aria-label="errors"
          className="fg-input"
          value={errors}
          onChange={(e) => setErrors(e.target.value as typeof errors)}
        >
          <option value="">all verdicts</option>
          <option value="true">with errors</option>
          <option value="false">without errors</option>
        </select>
      </div>
      {error ? <ProblemView error={error} onRetry={load} /> : null}
      <DataTable
        label="sessions"
        columns={columns}
        rows={sessions}
        rowKey={(s) => s.id}
        onRowClick={(s) => open(s.id)}
        emptyText="No sessions yet: point an RM and a CEM at the analyzer."
      />
    </Panel>
  );
}
