import { Panel, StatusBadge } from '@flexgrid/ui';
import { useMemo, useState } from 'react';
import { clusterTree, countAgents, type DashboardState, type TreeNode } from './dashboard-state';
import { formatCount } from './format';

/** Agents listed by name under a matcher up to this many; beyond, the list starts folded. */
const OPEN_UP_TO = 40;

interface TreeProps {
  readonly selectedAgent: string | undefined;
  readonly onSelect: (agentId: string) => void;
}

function MatcherNode({ node, selectedAgent, onSelect }: { node: TreeNode } & TreeProps) {
  const counts = countAgents(node);
  const matchers = node.children.filter((c) => c.kind !== 'agent');
  const leaves = node.children.filter((c) => c.kind === 'agent');
  // A folded list renders no chips: a thousand agents under one matcher would redraw on every update.
  const [open, setOpen] = useState(leaves.length <= OPEN_UP_TO);
  return (
    <li data-node={node.id}>
      <span className="pm-node">
        <strong className="pm-mono">{node.id}</strong>
        <span className="pm-node-kind">{node.remote ? `remote ${node.kind}` : node.kind}</span>
        <StatusBadge
          tone={node.connected ? 'ok' : 'warn'}
          title={node.connected ? 'in session with its parent' : 'waiting for its parent (no session yet)'}
        >
          {node.connected ? 'connected' : 'not connected'}
        </StatusBadge>
        <span className="fg-muted">
          {formatCount(counts.connected)} of {formatCount(counts.total)} agents connected
        </span>
      </span>
      {(matchers.length > 0 || leaves.length > 0) && (
        <ul>
          {matchers.map((child) => (
            <MatcherNode key={child.id} node={child} selectedAgent={selectedAgent} onSelect={onSelect} />
          ))}
          {leaves.length > 0 && (
            <li>
              <details open={open} onToggle={(event) => setOpen(event.currentTarget.open)}>
                <summary>
                  {formatCount(leaves.length)} {leaves.length === 1 ? 'agent' : 'agents'} directly under {node.id}
                </summary>
                {open && (
                  <div className="pm-leaves">
                    {leaves.map((leaf) => (
                      <button
                        key={leaf.id}
                        type="button"
                        className="pm-chip"
                        data-connected={leaf.connected}
                        data-selected={leaf.id === selectedAgent}
                        title={`${leaf.id}: ${leaf.connected ? 'connected' : 'disconnected'}, ${leaf.agent?.dialect ?? ''} — click to draw its bid`}
                        onClick={() => onSelect(leaf.id)}
                      >
                        {leaf.id}
                      </button>
                    ))}
                  </div>
                )}
              </details>
            </li>
          )}
        </ul>
      )}
    </li>
  );
}

/** auctioneer → concentrators → agents, with each one's connection state. */
export function ClusterTreePanel({ state, selectedAgent, onSelect }: { state: DashboardState } & TreeProps) {
  const matchers = state.cluster?.matchers;
  const tree = useMemo(
    () => (matchers ? clusterTree(matchers, state.agents.values()) : null),
    [matchers, state.agents],
  );
  return (
    <Panel title="Cluster tree">
      {tree && tree.roots.length > 0 ? (
        <ul className="pm-tree" aria-label="cluster tree">
          {tree.roots.map((root) => (
            <MatcherNode key={root.id} node={root} selectedAgent={selectedAgent} onSelect={onSelect} />
          ))}
          {tree.orphans.length > 0 && (
            <li>
              <span className="fg-muted">
                {formatCount(tree.orphans.length)} agents whose parent is not here:{' '}
                {tree.orphans.map((a) => a.agentId).join(', ')}
              </span>
            </li>
          )}
        </ul>
      ) : (
        <div className="pm-empty">
          <strong>No matchers</strong>
          The tree shows the auctioneer, its concentrators and their agents once the service has answered.
        </div>
      )}
      <p className="pm-note">
        A remote concentrator (another process) shows the agents it reports; their bids and prices are on its own
        dashboard.
      </p>
    </Panel>
  );
}
