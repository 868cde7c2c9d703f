import {
  formatDateTime,
  formatJsonPath,
  JsonViewer,
  type LiveStreamStatus,
  Panel,
  pathOfJsonPointer,
  ProblemView,
  StatusBadge,
  TimeSeriesChart,
  type Tone,
  useLiveStream,
  VirtualList,
} from '@flexgrid/ui';
import { type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  api,
  download,
  type Finding,
  type FrameView,
  liveUrl,
  type RuleGuide,
  type SessionState,
  type SessionSummary,
} from './api';
import { matches, type Pairing, PowerSeries, ReceptionPairing, type TimelineFilter } from './timeline';

/*
 * The debugger for one session: the timeline of every frame (virtualised: 100,000 frames scroll smoothly), the
 * findings with their rule, explanation and the JSON path highlighted in the message, the readable state, and
 * the power measured and forecast. Live sessions grow as frames arrive on /api/live. Keys: n / j next finding,
 * p / k previous; in the timeline, arrows, Page Up/Down, Home and End.
 */

const ROW = 24;
const arrow = { 'rm->cem': 'RM → CEM', 'cem->rm': 'CEM → RM' } as const;

/** Frames, findings and what is derived from them, kept outside React state: a busy session adds thousands a second. */
class SessionData {
  readonly frames: FrameView[] = [];
  readonly bySeq = new Map<number, FrameView>();
  readonly findings: Finding[] = [];
  readonly pairing = new ReceptionPairing();
  readonly power = new PowerSeries();
  readonly types = new Set<string>();

  add(frame: FrameView): boolean {
    if (this.bySeq.has(frame.seq)) return false;
    this.frames.push(frame);
    this.bySeq.set(frame.seq, frame);
    this.pairing.add(frame);
    this.power.add(frame);
    if (frame.messageType) this.types.add(frame.messageType);
    for (const finding of frame.findings) this.addFinding(finding);
    return true;
  }

  /** Findings in seq, then rule order; the end's S2-RS-MISSING name earlier frames. */
  addFinding(finding: Finding): void {
    const frame = this.bySeq.get(finding.seq);
    if (frame && !frame.findings.some((f) => f.rule === finding.rule)) frame.findings.push(finding);
    let at = this.findings.length;
    while (at > 0) {
      const previous = this.findings[at - 1] as Finding;
      if (previous.seq < finding.seq || (previous.seq === finding.seq && previous.rule < finding.rule)) break;
      if (previous.seq === finding.seq && previous.rule === finding.rule) return;
      at -= 1;
    }
    this.findings.splice(at, 0, finding);
  }
}

function severityTone(findings: readonly Finding[]): Tone {
  if (findings.some((f) => f.severity === 'error')) return 'error';
  return findings.length > 0 ? 'warn' : 'neutral';
}

function answerTone(status: string): Tone {
  return status === 'OK' ? 'ok' : status === 'TEMPORARY_ERROR' ? 'warn' : 'error';
}

function PairingBadge({ pairing, pending }: { pairing: Pairing | undefined; pending: boolean }) {
  if (pairing?.answers !== undefined) return <span className="fg-muted">↩ #{pairing.answers}</span>;
  if (pairing?.answeredBy)
    return (
      <StatusBadge tone={answerTone(pairing.answeredBy.status)} title={`answered at #${pairing.answeredBy.seq}`}>
        {pairing.answeredBy.status}
      </StatusBadge>
    );
  return pending ? <StatusBadge tone="neutral">awaiting answer</StatusBadge> : null;
}

export function verdictBadge(session: Pick<SessionSummary, 'verdict' | 'errors' | 'warnings' | 'live'>): ReactNode {
  return (
    <>
      <StatusBadge tone={session.verdict === 'valid' ? 'ok' : 'error'}>{session.verdict}</StatusBadge>{' '}
      {session.warnings > 0 && <StatusBadge tone="warn">{session.warnings} warnings</StatusBadge>}{' '}
      {session.live && <StatusBadge tone="info">live</StatusBadge>}
    </>
  );
}

export interface SessionDebuggerProps {
  id: string;
  onConnection(status: LiveStreamStatus): void;
}

export function SessionDebugger({ id, onConnection }: SessionDebuggerProps) {
  const data = useRef(new SessionData());
  const [version, setVersion] = useState(0);
  const dirty = useRef(false);
  const [session, setSession] = useState<SessionSummary & { state: SessionState | null }>();
  const [rules, setRules] = useState(new Map<string, RuleGuide>());
  const [error, setError] = useState<unknown>();
  const [loaded, setLoaded] = useState(false);
  const [filter, setFilter] = useState<TimelineFilter>({ type: '', direction: '', withFindings: false, search: '' });
  const [selectedSeq, setSelectedSeq] = useState<number | undefined>();
  const [findingIndex, setFindingIndex] = useState(-1);

  const refresh = useCallback(() => {
    api.session(id).then(setSession, setError);
  }, [id]);

  // Whatever arrived is shown once per animation frame, however many frames came in between.
  useEffect(() => {
    let request = 0;
    const flush = () => {
      if (dirty.current) {
        dirty.current = false;
        setVersion((v) => v + 1);
      }
      request = requestAnimationFrame(flush);
    };
    request = requestAnimationFrame(flush);
    return () => cancelAnimationFrame(request);
  }, []);

  useEffect(() => {
    let cancelled = false;
    api.rules().then((guide) => setRules(new Map(guide.rules.map((rule) => [rule.rule, rule]))), setError);
    refresh();
    void (async () => {
      try {
        for (let after = 0; !cancelled;) {
          const page = await api.frames(id, after, 1000);
          for (const frame of page.frames) data.current.add(frame);
          dirty.current = true;
          if (!page.next) break;
          after = Number(page.next);
        }
        setLoaded(true);
      } catch (problem) {
        setError(problem);
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [id, refresh]);

  const live = useLiveStream({
    url: liveUrl(id),
    transport: 'websocket',
    onMessage: (text) => {
      const event = JSON.parse(text) as { type: string } & Record<string, unknown>;
      if (event.type === 'frame') {
        if (data.current.add(event as unknown as FrameView)) dirty.current = true;
      } else if (event.type === 'session.ended') {
        for (const finding of event['findings'] as Finding[]) data.current.addFinding(finding);
        dirty.current = true;
        refresh();
      } else if (event.type === 'overdue') refresh();
    },
  });
  useEffect(() => onConnection(live), [live, onConnection]);

  // The state of a live session moves with every frame: fetched again every 2 s while it is live.
  useEffect(() => {
    if (!session?.live) return undefined;
    const timer = setInterval(refresh, 2000);
    return () => clearInterval(timer);
  }, [session?.live, refresh]);

  const frames = data.current.frames;
  const filtering = filter.type !== '' || filter.direction !== '' || filter.withFindings || filter.search !== '';
  const shown = useMemo(
    () => (filtering ? frames.filter((frame) => matches(frame, filter)) : frames),
    [version, filter, filtering],
  );
  const selectedIndex = selectedSeq === undefined ? -1 : shown.findIndex((frame) => frame.seq === selectedSeq);
  const selected = selectedSeq === undefined ? undefined : data.current.bySeq.get(selectedSeq);
  const findings = data.current.findings;
  const finding = findingIndex >= 0 ? findings[findingIndex] : undefined;
  const highlighted =
    finding && selected && finding.seq === selected.seq ? finding : selected?.findings.find((f) => f.path);
  const pendingSeqs = useMemo(
    () => new Set((session?.state?.pendingReceptionStatus ?? []).map((pending) => pending.seq)),
    [session],
  );

  const goToFinding = useCallback(
    (index: number) => {
      const target = findings[index];
      if (!target) return;
      setFindingIndex(index);
      setSelectedSeq(target.seq);
      // A filter that hides the finding's frame would hide what the key asked for.
      setFilter((current) =>
        matches(data.current.bySeq.get(target.seq) ?? ({} as FrameView), current)
          ? current
          : { type: '', direction: '', withFindings: false, search: '' },
      );
    },
    [findings],
  );

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (target && ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName)) return;
      if (event.key === 'n' || event.key === 'j') goToFinding(Math.min(findingIndex + 1, findings.length - 1));
      else if (event.key === 'p' || event.key === 'k') goToFinding(Math.max(findingIndex - 1, 0));
      else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [findingIndex, findings.length, goToFinding]);

  const chart = useMemo(() => {
    const series = [
      ...[...data.current.power.measured].map(([quantity, points]) => ({
        label: `measured ${quantity}`,
        points,
        unit: 'W',
      })),
      ...[...data.current.power.forecast].map(([quantity, points]) => ({
        label: `forecast ${quantity}`,
        points,
        unit: 'W',
      })),
    ];
    return series;
  }, [version]);

  if (error)
    return <Panel title="Session">{<ProblemView error={error} onRetry={() => window.location.reload()} />}</Panel>;
  const state = session?.state;
  const explain = (rule: string) => rules.get(rule);

  return (
    <>
      <Panel
        title={session ? `Session ${session.rmId} ⇄ ${session.cemId}` : 'Session'}
        wide
        actions={
          <>
            <button
              className="fg-button"
              onClick={() =>
                void download(`/api/sessions/${id}/export.jsonl`, `s2-session-${id}.jsonl`).catch(setError)
              }
            >
              export transcript
            </button>{' '}
            <button
              className="fg-button"
              onClick={() =>
                void download(`/api/sessions/${id}/export.jsonl?raw=always`, `s2-session-${id}-raw.jsonl`).catch(
                  setError,
                )
              }
            >
              export raw
            </button>
          </>
        }
      >
        {session ? (
          <p data-testid="session-summary">
            {verdictBadge(session)} <span data-testid="frame-count">{frames.length}</span> frames · {session.errors}{' '}
            errors · {session.warnings} warnings · started {formatDateTime(session.startedAt)}
            {session.endedAt ? ` · ended: ${session.endReason ?? ''}` : ''}
            {session.framesLost > 0 && <StatusBadge tone="error">{session.framesLost} frames not stored</StatusBadge>}
            {!loaded && <span className="fg-muted"> · loading history…</span>}
          </p>
        ) : (
          <span className="fg-muted">loading…</span>
        )}
      </Panel>

      <Panel title="Timeline" wide>
        <div className="s2-filters">
          <select
            aria-label="message type"
            className="fg-input"
            value={filter.type}
            onChange={(e) => setFilter({ ...filter, type: e.target.value })}
          >
            <option value="">all types</option>
            {[...data.current.types].sort().map((type) => (
              <option key={type}>{type}</option>
            ))}
          </select>
          <select
            aria-label="direction"
            className="fg-input"
            value={filter.direction}
            onChange={(e) => setFilter({ ...filter, direction: e.target.value as TimelineFilter['direction'] })}
          >
            <option value="">both directions</option>
            <option value="rm->cem">RM → CEM</option>
            <option value="cem->rm">CEM → RM</option>
          </select>
          <label>
            <input
              type="checkbox"
              checked={filter.withFindings}
              onChange={(e) => setFilter({ ...filter, withFindings: e.target.checked })}
            />{' '}
            with findings
          </label>
          <input
            aria-label="search frames"
            className="fg-input"
            placeholder="search ids, values, text…"
            value={filter.search}
            onChange={(e) => setFilter({ ...filter, search: e.target.value })}
          />
          <span className="fg-muted">
            {shown.length} of {frames.length}
          </span>
        </div>
        <VirtualList
          label="timeline"
          items={shown}
          rowHeight={ROW}
          height={360}
          follow
          selectedIndex={selectedIndex}
          onSelect={(index) => {
            const frame = shown[index];
            if (!frame) return;
            setSelectedSeq(frame.seq);
            const first = findings.findIndex((f) => f.seq === frame.seq);
            setFindingIndex(first);
          }}
          renderRow={(frame) => (
            <>
              <span className="fg-muted s2-seq">#{frame.seq}</span>
              <span className="fg-muted s2-t">{frame.t} ms</span>
              <span className={`s2-dir s2-${frame.direction === 'rm->cem' ? 'rm' : 'cem'}`}>
                {arrow[frame.direction]}
              </span>
              <span className="s2-type">
                {frame.messageType ?? (frame.encoding ? 'binary frame' : 'not an S2 message')}
              </span>
              <PairingBadge pairing={data.current.pairing.bySeq.get(frame.seq)} pending={pendingSeqs.has(frame.seq)} />
              {frame.findings.length > 0 && (
                <StatusBadge tone={severityTone(frame.findings)} title={frame.findings.map((f) => f.rule).join(', ')}>
                  {frame.findings.map((f) => f.rule).join(' ')}
                </StatusBadge>
              )}
            </>
          )}
        />
      </Panel>

      <Panel
        title={
          selected ? `Frame #${selected.seq} · ${arrow[selected.direction]} · ${selected.messageType ?? ''}` : 'Frame'
        }
      >
        {selected ? (
          <>
            {selected.findings.map((f) => (
              <p key={f.rule} className="s2-finding-line">
                <StatusBadge tone={f.severity === 'error' ? 'error' : 'warn'}>{f.rule}</StatusBadge> {f.detail}
              </p>
            ))}
            {'message' in selected ? (
              <JsonViewer
                label="frame JSON"
                value={selected.message}
                highlight={
                  highlighted?.path ? formatJsonPath(pathOfJsonPointer(highlighted.path, selected.message)) : undefined
                }
                highlightNote={highlighted ? `${highlighted.rule}: ${highlighted.detail}` : undefined}
              />
            ) : (
              <pre className="fg-json" aria-label="frame text">
                {selected.encoding ? `binary frame, base64: ${selected.raw ?? ''}` : selected.raw}
              </pre>
            )}
          </>
        ) : (
          <p className="fg-muted">Select a frame in the timeline, or press n for the first finding.</p>
        )}
      </Panel>

      <Panel title={`Findings (${findings.length})`} actions={<span className="fg-muted">n / p: next / previous</span>}>
        {findings.length === 0 ? (
          <p className="fg-muted">No findings{session?.live ? ' so far' : ''}.</p>
        ) : (
          <ol className="s2-findings" aria-label="findings">
            {findings.map((f, index) => {
              const guide = explain(f.rule);
              return (
                <li
                  key={`${f.seq}-${f.rule}`}
                  aria-current={index === findingIndex}
                  className={index === findingIndex ? 's2-current' : undefined}
                >
                  <button className="s2-finding" onClick={() => goToFinding(index)}>
                    <StatusBadge tone={f.severity === 'error' ? 'error' : 'warn'}>{f.rule}</StatusBadge>{' '}
                    <span className="fg-muted">
                      #{f.seq} · {f.level}
                    </span>{' '}
                    {f.path && <code>{f.path}</code>}
                    <span className="s2-detail">{f.detail}</span>
                    {guide && (
                      <span className="fg-muted s2-explain">
                        {guide.means}
                        {guide.expectedAnswer ? ` Expected answer: ${guide.expectedAnswer}.` : ''}
                      </span>
                    )}
                  </button>
                </li>
              );
            })}
          </ol>
        )}
      </Panel>

      <Panel title="State">
        {state ? (
          <>
            <p>
              phase <strong>{state.phase}</strong> · control type <strong>{state.activeControlType}</strong> · version{' '}
              {state.selectedProtocolVersion ?? '–'} · {state.openInstructions.length} open instructions ·{' '}
              {state.pendingReceptionStatus.length} awaiting an answer
              {state.pendingReceptionStatus.some((p) => p.overdue) && <StatusBadge tone="warn">overdue</StatusBadge>}
            </p>
            <JsonViewer label="state JSON" value={state} />
          </>
        ) : (
          <span className="fg-muted">no state yet</span>
        )}
      </Panel>

      <Panel title="Power" wide>
        {chart.length > 0 ? (
          <TimeSeriesChart label="power measured and forecast" yLabel="W" series={chart} height={220} />
        ) : (
          <p className="fg-muted">No PowerMeasurement or PowerForecast yet.</p>
        )}
      </Panel>
    </>
  );
}
