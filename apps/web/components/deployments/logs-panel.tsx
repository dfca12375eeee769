'use client';

import { type LogReplica, type ReplicaLogLine, SlipwayClient } from '@slipway/client';
import { useEffect, useId, useRef, useState } from 'react';
import { formatTime } from '@/lib/client/format';
import type { Deployment } from '@/lib/client/types';
import { EmptyState, FormError } from '../states';

/** Lines kept on the page while following: the newest ones. */
const MAX_LINES = 2_000;
const TAIL = 500;
const RECONNECT_MS = 2_000;

/** A line with a key of its own: the same text may be printed twice in one millisecond. */
type ShownLine = ReplicaLogLine & { key: number };
let shown = 0;
const keyed = (line: ReplicaLogLine): ShownLine => ({ ...line, key: ++shown });

interface LogState {
  replicas: LogReplica[] | null;
  lines: ShownLine[];
  error: Error | null;
  live: boolean;
}

/**
 * Reads the deployment's logs, following them live when `follow` is on: the newest lines, then each new one.
 * A dropped stream reconnects after the last line it showed, so nothing repeats.
 */
function useDeploymentLogs(name: string, filters: { replica: string; search: string }, follow: boolean, reload: number): LogState {
  const [state, setState] = useState<LogState>({ replicas: null, lines: [], error: null, live: false });
  // biome-ignore lint/correctness/useExhaustiveDependencies: `reload` (Refresh) reads the logs again.
  useEffect(() => {
    const client = new SlipwayClient({ url: window.location.origin });
    const options = { tail: TAIL, ...(filters.replica && { replica: filters.replica }), ...(filters.search && { search: filters.search }) };
    const abort = new AbortController();
    setState((s) => ({ ...s, lines: [], error: null, live: false }));
    if (!follow) {
      client
        .logs(name, options)
        .then(({ replicas, lines }) => !abort.signal.aborted && setState({ replicas, lines: lines.map(keyed), error: null, live: false }))
        .catch((error: Error) => !abort.signal.aborted && setState((s) => ({ ...s, error })));
      return () => abort.abort();
    }
    let since: string | undefined;
    const run = async () => {
      while (!abort.signal.aborted) {
        try {
          setState((s) => ({ ...s, live: true, error: null }));
          for await (const event of client.followLogs(name, { ...options, ...(since && { since }) }, abort.signal)) {
            if (event.kind === 'replicas') setState((s) => ({ ...s, replicas: event.replicas }));
            else if (event.kind === 'line') {
              since = new Date(Date.parse(event.line.time) + 1).toISOString();
              setState((s) => ({ ...s, lines: [...s.lines, keyed(event.line)].slice(-MAX_LINES) }));
            } else throw new Error(event.message);
          }
        } catch (error) {
          if (abort.signal.aborted) return;
          setState((s) => ({ ...s, live: false, error: error as Error }));
        }
        await new Promise((r) => setTimeout(r, RECONNECT_MS));
      }
    };
    void run();
    return () => abort.abort();
  }, [name, filters.replica, filters.search, follow, reload]);
  return state;
}

const shortId = (id: string) => id.slice(0, 8);

function replicaLabel(r: LogReplica): string {
  const ended = r.endedAt ? `${r.state} at ${formatTime(r.endedAt)}` : r.state;
  return `${r.variant} v${r.versionLabel} · ${shortId(r.id)} · ${ended}`;
}

function LogLines({ lines, replicas, follow }: { lines: ShownLine[]; replicas: LogReplica[]; follow: boolean }) {
  const list = useRef<HTMLOListElement>(null);
  const stopped = new Set(replicas.filter((r) => r.endedAt).map((r) => r.id));
  // biome-ignore lint/correctness/useExhaustiveDependencies: keeps the newest line in view as lines arrive.
  useEffect(() => {
    if (follow) list.current?.scrollTo({ top: list.current.scrollHeight });
  }, [lines.length, follow]);
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: the scrolling log must be reachable by keyboard to scroll it.
    <ol ref={list} className="log-lines" aria-label="Log lines" tabIndex={0}>
      {lines.map((line) => (
        <li key={line.key} className="log-line" data-stream={line.stream}>
          <time dateTime={line.time}>{formatTime(line.time)}</time>
          <span className="log-replica" title={line.replicaId}>
            {shortId(line.replicaId)}
            {stopped.has(line.replicaId) && <span className="visually-hidden"> (stopped)</span>}
          </span>
          {line.stream === 'stderr' && (
            <span className="log-stream" title="standard error">
              err
            </span>
          )}
          <span className="log-text">{line.text}</span>
        </li>
      ))}
    </ol>
  );
}

/** Why there is nothing to show, and what to do about it. */
function NoLines({ deployment, replicas, search }: { deployment: Deployment; replicas: LogReplica[]; search: string }) {
  if (replicas.length === 0) {
    const asleep = deployment.status === 'ready';
    return (
      <EmptyState compact title="No replica has run yet">
        {asleep
          ? 'Each replica’s output appears here once one starts: send it a request (Call it) to wake it, or add replicas under Scaling.'
          : deployment.status === 'stopped'
            ? 'Nothing runs while it is stopped, and older replicas’ lines are gone: redeploy it to see new ones.'
            : 'Each replica’s stdout and stderr appear here as soon as it starts.'}
      </EmptyState>
    );
  }
  if (search) {
    return (
      <EmptyState compact title={`No line contains “${search}”`}>
        Clear the search or pick all replicas.
      </EmptyState>
    );
  }
  const failed = replicas.find((r) => r.state === 'failed' && r.reason);
  if (failed && replicas.every((r) => r.endedAt)) {
    return (
      <EmptyState compact title="Its replicas printed nothing">
        Replica {shortId(failed.id)} failed before it printed a line: {failed.reason}. Change what the reason names (Overview → Update), then roll out again.
      </EmptyState>
    );
  }
  return (
    <EmptyState compact title="No lines yet">
      Lines appear here as the replicas print them; a model’s prints and tracebacks land here too.
    </EmptyState>
  );
}

/** The Logs tab: each replica's stdout and stderr, live, filtered by replica and text, stopped replicas' last lines included. */
export function LogsPanel({ deployment }: { deployment: Deployment }) {
  const [replica, setReplica] = useState('');
  const [typed, setTyped] = useState('');
  const [search, setSearch] = useState('');
  const [follow, setFollow] = useState(true);
  const [reload, setReload] = useState(0);
  const ids = { replica: useId(), search: useId(), follow: useId() };
  useEffect(() => {
    const timer = setTimeout(() => setSearch(typed.trim()), 300);
    return () => clearTimeout(timer);
  }, [typed]);
  const logs = useDeploymentLogs(deployment.name, { replica, search }, follow, reload);
  const replicas = logs.replicas ?? [];
  return (
    <section className="card" aria-labelledby="logs-title">
      <div className="card-header">
        <div>
          <h2 id="logs-title">Logs</h2>
          <p>Every replica’s stdout and stderr, kept for 6 hours after it stops. Secrets are masked.</p>
        </div>
        <span className="badge" data-tone={logs.live ? 'green' : undefined} role="status" aria-label="Following">
          {logs.live ? 'Live' : follow ? 'Connecting…' : 'Paused'}
        </span>
      </div>
      <div className="card-body stack">
        <div className="log-filters">
          <div className="field">
            <label className="label" htmlFor={ids.replica}>
              Replica
            </label>
            <select id={ids.replica} className="select" value={replica} onChange={(e) => setReplica(e.target.value)}>
              <option value="">All replicas ({replicas.length})</option>
              {replicas.map((r) => (
                <option key={r.id} value={r.id}>
                  {replicaLabel(r)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label className="label" htmlFor={ids.search}>
              Search
            </label>
            <input id={ids.search} className="input" type="search" value={typed} onChange={(e) => setTyped(e.target.value)} placeholder="Text in a line" />
          </div>
          <label className="checkbox" htmlFor={ids.follow}>
            <input id={ids.follow} type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> Follow live
          </label>
          {!follow && (
            <button type="button" className="btn btn-sm" onClick={() => setReload((n) => n + 1)}>
              Refresh
            </button>
          )}
        </div>
        <FormError error={logs.error} />
        {logs.replicas !== null && logs.lines.length === 0 ? (
          <NoLines deployment={deployment} replicas={replicas} search={search} />
        ) : (
          <LogLines lines={logs.lines} replicas={replicas} follow={follow} />
        )}
      </div>
    </section>
  );
}
