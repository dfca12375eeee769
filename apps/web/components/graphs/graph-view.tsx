'use client';

import dagre from '@dagrejs/dagre';
import type { GraphSpec, GraphTypeError } from '@slipway/core';
import { Background, Controls, type Edge, MarkerType, type Node, ReactFlow } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useMemo, useState } from 'react';
import { type GraphEdgeView, type GraphNodeView, graphElements, stepFigures } from '@/lib/client/graph-elements';
import { checkDraft, type GraphTraceView, useGraph, useGraphTraces, useSaveGraph } from '@/lib/client/graph-queries';
import { PageHeader } from '../page-header';
import { EmptyState, FormError, QueryContent } from '../states';

const NODE_WIDTH = 200;
const NODE_HEIGHT = 64;

/** Dagre's layered layout, left to right: a pipeline reads like one; members of an ensemble stack in a column. */
function layout(nodes: GraphNodeView[], edges: GraphEdgeView[]): Map<string, { x: number; y: number }> {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 24, ranksep: 64 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) g.setNode(n.id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const e of edges) g.setEdge(e.source, e.target);
  dagre.layout(g);
  return new Map(nodes.map((n) => [n.id, { x: g.node(n.id).x - NODE_WIDTH / 2, y: g.node(n.id).y - NODE_HEIGHT / 2 }]));
}

type Figures = ReturnType<typeof stepFigures>;

function flowElements(spec: GraphSpec, typeErrors: GraphTypeError[], figures: Figures): { nodes: Node[]; edges: Edge[] } {
  const { nodes, edges } = graphElements(spec, typeErrors);
  const at = layout(nodes, edges);
  return {
    nodes: nodes.map((n) => {
      const f = n.step ? figures.get(n.step) : undefined;
      const figure = f ? `p50 ${f.p50.toFixed(1)} ms · p99 ${f.p99.toFixed(1)} ms · ${f.failed}/${f.count} failed` : undefined;
      return {
        id: n.id,
        position: at.get(n.id)!,
        data: {
          label: (
            <div title={n.errors.join('\n') || undefined}>
              <strong>{n.label}</strong>
              {figure && <div className="muted small">{figure}</div>}
              {n.errors.length > 0 && <div className="error small">{n.errors[0]}</div>}
            </div>
          ),
        },
        style: { width: NODE_WIDTH, borderColor: n.errors.length > 0 ? '#dc2626' : undefined, cursor: n.deployment ? 'pointer' : 'default' },
      };
    }),
    edges: edges.map((e) => ({
      id: e.id,
      source: e.source,
      target: e.target,
      label: e.errors.length > 0 ? `✗ ${e.errors[0]}` : e.label,
      markerEnd: { type: MarkerType.ArrowClosed },
      animated: e.errors.length > 0,
      style: e.errors.length > 0 ? { stroke: '#dc2626', strokeWidth: 2 } : undefined,
      labelStyle: e.errors.length > 0 ? { fill: '#dc2626' } : undefined,
    })),
  };
}

/** The graph drawn (React Flow + dagre), live per-step figures from its stored traces, a waterfall and the editor. */
export function GraphView({ name }: { name: string }) {
  const graph = useGraph(name);
  const traces = useGraphTraces(name);
  const [typeErrors, setTypeErrors] = useState<GraphTypeError[]>([]);
  const router = useRouter();
  const figures = useMemo(() => stepFigures(traces.data ?? []), [traces.data]);
  return (
    <>
      <PageHeader title={name} subtitle="Graph deployment" breadcrumb={<Link href="/deployments">Deployments</Link>} />
      <QueryContent query={graph}>
        {(g) =>
          g.spec ? (
            <>
              {g.brokenReason && (
                <p className="error" role="alert">
                  Broken: a node now serves a signature this graph does not fit. {g.brokenReason}
                </p>
              )}
              <p className="muted">
                Revision {g.currentRevision} · <code>POST {g.endpoints.predict}</code> · <code>POST {g.endpoints.oipInfer}</code>
              </p>
              <div style={{ height: 420, border: '1px solid var(--border, #ddd)', borderRadius: 8 }} aria-label="The graph's steps">
                <DrawnGraph
                  spec={g.spec}
                  typeErrors={typeErrors}
                  figures={figures}
                  onOpen={(deployment) => router.push(`/deployments/${encodeURIComponent(deployment)}`)}
                />
              </div>
              <p className="muted small">
                Per-step figures from the {traces.data?.length ?? 0} newest stored traces (a sample of requests, and every failed one).
              </p>
              <Waterfall traces={traces.data ?? []} />
              <Editor name={name} spec={g.spec} onChecked={setTypeErrors} />
            </>
          ) : (
            <EmptyState title="No revision is served">Save a spec below to serve this graph.</EmptyState>
          )
        }
      </QueryContent>
    </>
  );
}

function DrawnGraph(props: { spec: GraphSpec; typeErrors: GraphTypeError[]; figures: Figures; onOpen: (deployment: string) => void }) {
  const { spec, typeErrors, figures, onOpen } = props;
  const { nodes, edges } = useMemo(() => flowElements(spec, typeErrors, figures), [spec, typeErrors, figures]);
  const deploymentOf = useMemo(() => new Map(graphElements(spec).nodes.map((n) => [n.id, n.deployment])), [spec]);
  return (
    <ReactFlow
      nodes={nodes}
      edges={edges}
      fitView
      nodesDraggable={false}
      onNodeClick={(_, node) => {
        const deployment = deploymentOf.get(node.id);
        if (deployment) onOpen(deployment);
      }}
    >
      <Background />
      <Controls showInteractive={false} />
    </ReactFlow>
  );
}

/** One stored trace's steps as bars on a shared time axis. */
function Waterfall({ traces }: { traces: GraphTraceView[] }) {
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  if (traces.length === 0)
    return <EmptyState title="No trace stored yet">Send requests to the graph: a sample of them, and every failed one, appear here.</EmptyState>;
  const trace = traces.find((t) => t.traceId === chosen) ?? traces[0]!;
  const total = Math.max(trace.durationMs, ...trace.steps.map((s) => s.startMs + s.durationMs), 0.001);
  return (
    <section aria-label="Trace waterfall">
      <h2>Trace</h2>
      <label>
        Trace{' '}
        <select value={trace.traceId} onChange={(e) => setChosen(e.target.value)}>
          {traces.map((t) => (
            <option key={t.traceId} value={t.traceId}>
              {new Date(t.createdAt).toLocaleTimeString()} · {t.status} · {t.durationMs.toFixed(1)} ms{t.failed ? ' · failed' : ''}
            </option>
          ))}
        </select>
      </label>
      <ol style={{ listStyle: 'none', padding: 0 }}>
        {trace.steps.map((s) => (
          <li key={`${s.step}-${s.startMs}`} style={{ display: 'grid', gridTemplateColumns: 'minmax(6rem, 10rem) 1fr', gap: 8, alignItems: 'center' }}>
            <span className="small">{s.step}</span>
            <span
              style={{ position: 'relative', height: 14 }}
              title={`${s.deployment}: ${s.durationMs.toFixed(2)} ms, ${s.attempts} attempt(s)${s.error ? ` — ${s.error}` : ''}`}
            >
              <span
                style={{
                  position: 'absolute',
                  left: `${(s.startMs / total) * 100}%`,
                  width: `${Math.max(0.5, (s.durationMs / total) * 100)}%`,
                  height: '100%',
                  borderRadius: 3,
                  background: s.outcome === 'ok' ? '#6366f1' : s.outcome === 'skipped' ? '#f59e0b' : '#dc2626',
                }}
              />
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}

/** The spec as JSON, type-checked on demand against what the nodes serve; refusals are drawn on their edges. */
function Editor({ name, spec, onChecked }: { name: string; spec: GraphSpec; onChecked: (errors: GraphTypeError[]) => void }) {
  const [draft, setDraft] = useState(() => JSON.stringify(spec, null, 2));
  const [message, setMessage] = useState<string | undefined>(undefined);
  const save = useSaveGraph(name);
  const check = async (): Promise<unknown | undefined> => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(draft);
    } catch (error) {
      setMessage(`not valid JSON: ${(error as Error).message}`);
      return undefined;
    }
    const result = await checkDraft(parsed);
    onChecked(result.typeErrors);
    setMessage(result.message ?? `type-checks: answers ${result.outputs?.map((o) => o.name).join(', ')}`);
    return result.message ? undefined : parsed;
  };
  return (
    <section aria-label="Edit the graph">
      <h2>Edit</h2>
      <textarea
        aria-label="Graph spec (JSON)"
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
        rows={16}
        style={{ width: '100%', fontFamily: 'monospace' }}
      />
      <div style={{ display: 'flex', gap: 8, flexWrap: 'wrap' }}>
        <button type="button" onClick={() => void check()}>
          Check
        </button>
        <button
          type="button"
          disabled={save.isPending}
          onClick={async () => {
            const checked = await check();
            if (checked !== undefined) save.mutate(checked);
          }}
        >
          {save.isPending ? 'Saving…' : 'Save as a new revision'}
        </button>
      </div>
      {message && <p role="status">{message}</p>}
      <FormError error={save.error} />
    </section>
  );
}
