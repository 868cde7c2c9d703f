// An app imports these as '@flexgrid/ui' and '@flexgrid/ui/styles.css'; the gallery is part of the lib itself.
import '../src/styles.css';
import {
  type Column,
  DataTable,
  fetchJson,
  JsonViewer,
  PageShell,
  Panel,
  ProblemView,
  StatusBadge,
  StepCurveChart,
  TimeSeriesChart,
  type Tone,
  useLiveStream,
  VirtualList,
} from '../src/index';
import { StrictMode, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';

/**
 * Every shared component with sample data, for the browser test (test/gallery.spec.ts) and for looking at the
 * look: `npx nx run ui:build-gallery`, then serve libs/ui/dist/gallery under /ui/.
 */

interface Ven {
  id: string;
  name: string;
  status: 'online' | 'offline' | 'pending';
  loadKw: number;
  lastSeen: Date;
}

const statusTone: Record<Ven['status'], Tone> = { online: 'ok', offline: 'error', pending: 'warn' };
const sites = ['Depot', 'Office', 'School', 'Pool', 'Warehouse', 'Clinic'];
const start = Date.UTC(2026, 0, 5, 8, 0, 0);

const vens: Ven[] = Array.from({ length: 40 }, (_, i) => ({
  id: `ven-${String(i + 1).padStart(3, '0')}`,
  name: `${sites[i % sites.length]} ${Math.floor(i / sites.length) + 1}`,
  status: i % 7 === 3 ? 'offline' : i % 5 === 4 ? 'pending' : 'online',
  loadKw: Math.round(((i * 37) % 91) * 10 + 5) / 10,
  lastSeen: new Date(start + i * 61_000),
}));

const venColumns: Column<Ven>[] = [
  { id: 'id', header: 'VEN', value: (v) => v.id },
  { id: 'name', header: 'name', value: (v) => v.name },
  {
    id: 'status',
    header: 'status',
    value: (v) => v.status,
    render: (v) => <StatusBadge tone={statusTone[v.status]}>{v.status}</StatusBadge>,
  },
  { id: 'load', header: 'load kW', value: (v) => v.loadKw, align: 'right', render: (v) => v.loadKw.toFixed(1) },
  {
    id: 'lastSeen',
    header: 'last seen',
    value: (v) => v.lastSeen,
    render: (v) => v.lastSeen.toISOString().slice(11, 19),
  },
];

const frameTypes = ['PowerMeasurement', 'ReceptionStatus', 'FRBC.ActuatorStatus', 'FRBC.StorageStatus', 'Handshake'];
const frames = Array.from({ length: 100_000 }, (_, i) => ({
  seq: i,
  direction: i % 2 === 0 ? 'RM → CEM' : 'CEM → RM',
  type: frameTypes[i % frameTypes.length],
  valid: i % 97 !== 13,
}));

const bid = [
  { x: 0, y: 4000 },
  { x: 0.12, y: 3200 },
  { x: 0.2, y: 2100 },
  { x: 0.27, y: 900 },
  { x: 0.35, y: -500 },
];
const equilibrium = { x: 0.23, y: 2100, label: 'equilibrium' };

const frame = {
  message_type: 'PowerMeasurement',
  message_id: 'a0b1c2d3-0000-4000-8000-000000000001',
  measurement_timestamp: '2026-01-05T08:00:00Z',
  values: [
    { commodity_quantity: 'ELECTRIC.POWER.L1', value: 1850 },
    { commodity_quantity: 'ELECTRIC.POWER.L2', value: 1720 },
  ],
};

interface Reading {
  seq: number;
  at: number;
  value: number;
}

function Gallery() {
  const [readings, setReadings] = useState<Reading[]>([]);
  const pending = useRef<Reading[]>([]);
  const stream = useLiveStream({
    url: '/events',
    events: ['reading'],
    backoff: { initialMs: 300, maxMs: 5_000, factor: 2, stableAfterMs: 10_000 },
    onMessage: (data) => pending.current.push(JSON.parse(data) as Reading),
  });
  // Readings are batched per animation frame, as a page on a busy stream would do.
  useEffect(() => {
    let frameRequest = 0;
    const flush = () => {
      if (pending.current.length > 0) {
        const batch = pending.current;
        pending.current = [];
        setReadings((previous) => [...previous, ...batch].slice(-500));
      }
      frameRequest = requestAnimationFrame(flush);
    };
    frameRequest = requestAnimationFrame(flush);
    return () => cancelAnimationFrame(frameRequest);
  }, []);

  const [selected, setSelected] = useState(-1);
  const [logSelected, setLogSelected] = useState(-1);
  const [activated, setActivated] = useState<number | undefined>();
  const [problem, setProblem] = useState<unknown>();
  const loadProblem = useCallback(() => {
    fetchJson('/api/vens/ven-999').catch(setProblem);
  }, []);
  useEffect(loadProblem, [loadProblem]);

  const series = useMemo(
    () => [{ label: 'power kW', points: readings.map((r) => [r.at, r.value] as const) }],
    [readings],
  );
  const last = readings[readings.length - 1];

  return (
    <PageShell
      service="UI gallery"
      title="Components"
      nav={[
        { label: 'components', href: '/ui/', active: true },
        { label: 'about', href: '/ui/about' },
      ]}
      connection={stream}
    >
      <Panel title="Live stream">
        <p className="fg-muted">
          <span data-testid="received">{readings.length}</span> readings, last{' '}
          <span data-testid="last-seq">{last?.seq ?? '–'}</span>; reconnects after a drop with backoff ({stream.retries}{' '}
          retries)
        </p>
        <TimeSeriesChart label="live readings" series={series} yLabel="kW" height={180} />
        <VirtualList
          label="reading log"
          items={readings}
          rowHeight={22}
          height={110}
          follow
          selectedIndex={logSelected}
          onSelect={setLogSelected}
          renderRow={(r) => (
            <>
              <span className="fg-muted">#{r.seq}</span>
              <span>{new Date(r.at).toISOString().slice(11, 16)}</span>
              <span>{r.value.toFixed(3)} kW</span>
            </>
          )}
        />
      </Panel>
      <Panel title="Bid curve">
        <StepCurveChart
          label="bid curve"
          curves={[{ label: 'aggregated bid', points: bid }]}
          marker={equilibrium}
          xMax={0.4}
          xLabel="price €/kWh"
          yLabel="demand W"
          height={180}
        />
      </Panel>
      <Panel title="VENs">
        <DataTable
          label="VENs"
          columns={venColumns}
          rows={vens}
          rowKey={(v) => v.id}
          initialSort={{ columnId: 'id', direction: 'asc' }}
        />
      </Panel>
      <Panel title="Frames (100,000)">
        <VirtualList
          label="frames"
          items={frames}
          rowHeight={24}
          height={320}
          selectedIndex={selected}
          onSelect={setSelected}
          onActivate={setActivated}
          renderRow={(f) => (
            <>
              <span className="fg-muted">#{f.seq}</span>
              <span>{f.direction}</span>
              <span>{f.type}</span>
              {!f.valid && <StatusBadge tone="error">invalid</StatusBadge>}
            </>
          )}
        />
        <p className="fg-muted" data-testid="activated">
          {activated === undefined ? 'Enter opens a frame' : `opened #${activated}`}
        </p>
      </Panel>
      <Panel title="Frame JSON">
        <JsonViewer value={frame} highlight="$.values[0].value" highlightNote="must not exceed the power range" />
      </Panel>
      <Panel title="Problem">
        {problem ? <ProblemView error={problem} onRetry={loadProblem} /> : <span className="fg-muted">loading…</span>}
        <p>
          <StatusBadge tone="ok">ok</StatusBadge> <StatusBadge tone="warn">warn</StatusBadge>{' '}
          <StatusBadge tone="error">error</StatusBadge> <StatusBadge tone="info">info</StatusBadge>{' '}
          <StatusBadge tone="neutral">neutral</StatusBadge>
        </p>
      </Panel>
    </PageShell>
  );
}

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <Gallery />
  </StrictMode>,
);
