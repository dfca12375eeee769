'use client';

import { useState, type FormEvent } from 'react';
import { actualTraffic } from '@/lib/client/deployment-truth';
import { useModel } from '@/lib/client/queries';
import type { Deployment, DeploymentSpec, Version, VariantRole, VariantUpdate } from '@/lib/client/types';
import { EmptyState, QueryContent } from '../states';
import { UpdateSubmit, useDeploymentUpdate } from './deployment-mutations';

const NAME_PATTERN = /^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/;

/** One row as typed; `isNew` rows still need a name and a version, existing ones keep theirs. */
interface VariantDraft {
  key: string;
  name: string;
  role: VariantRole;
  isNew: boolean;
  versionLabel: number | null;
  weight: string;
  mirrorPercent: string;
}

const fromSpec = (spec: DeploymentSpec): VariantDraft[] =>
  spec.variants.map((v) => ({
    key: `spec:${v.name}`,
    name: v.name,
    role: v.role,
    isNew: false,
    versionLabel: v.versionLabel,
    weight: String(v.weight),
    mirrorPercent: String(v.mirrorPercent),
  }));

const isWhole = (text: string, min: number, max: number) => /^\d+$/.test(text.trim()) && Number(text) >= min && Number(text) <= max;

/** The first name like `base`, `base-2`, … that no row uses yet. */
function freeName(rows: VariantDraft[], base: string): string {
  const taken = new Set(rows.map((r) => r.name));
  for (let i = 1; ; i++) {
    const name = i === 1 ? base : `${base}-${i}`;
    if (!taken.has(name)) return name;
  }
}

function servingTotal(rows: VariantDraft[]): number {
  return rows.filter((r) => r.role !== 'shadow').reduce((sum, r) => sum + (isWhole(r.weight, 0, 100) ? Number(r.weight) : 0), 0);
}

/** Everything that must be fixed before the server would accept the list, in reading order. */
function trafficProblems(rows: VariantDraft[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const r of rows) {
    const who = r.name || `the new ${r.role}`;
    if (r.isNew && !NAME_PATTERN.test(r.name)) problems.push(`Name of ${who}: lowercase letters, digits and dashes, at most 40 characters.`);
    if (seen.has(r.name)) problems.push(`Two variants are called “${r.name}”; names must differ.`);
    seen.add(r.name);
    if (r.isNew && r.versionLabel === null) problems.push(`Choose a version for ${who}.`);
    if (r.role === 'shadow') {
      if (!isWhole(r.mirrorPercent, 1, 100)) problems.push(`Mirror share of ${who}: a whole number from 1 to 100 %.`);
    } else if (!isWhole(r.weight, 0, 100)) {
      problems.push(`Weight of ${who}: a whole number from 0 to 100 %.`);
    }
  }
  const serving = rows.filter((r) => r.role !== 'shadow');
  if (serving.length === 0) problems.push('Keep at least one variant that answers callers (a primary or a candidate).');
  return problems;
}

function toVariants(rows: VariantDraft[]): VariantUpdate[] {
  return rows.map((r) => {
    const traffic = r.role === 'shadow' ? { weight: 0, mirrorPercent: Number(r.mirrorPercent) } : { weight: Number(r.weight), mirrorPercent: 0 };
    return r.isNew ? { name: r.name, role: r.role, versionLabel: r.versionLabel!, ...traffic } : { name: r.name, role: r.role, ...traffic };
  });
}

function VariantRow({
  row,
  index,
  versions,
  sumInvalid,
  canRemove,
  onChange,
  onRemove,
}: {
  row: VariantDraft;
  index: number;
  versions: Version[];
  sumInvalid: boolean;
  canRemove: boolean;
  onChange: (change: Partial<VariantDraft>) => void;
  onRemove: () => void;
}) {
  const who = row.name || `new ${row.role}`;
  const shadow = row.role === 'shadow';
  return (
    <tr>
      <td>
        {row.isNew ? (
          <>
            <label className="visually-hidden" htmlFor={`traffic-${index}-name`}>
              Name of the new {row.role}
            </label>
            <input
              id={`traffic-${index}-name`}
              className="input mono"
              value={row.name}
              autoComplete="off"
              spellCheck={false}
              onChange={(e) => onChange({ name: e.target.value.toLowerCase() })}
            />
          </>
        ) : (
          <span className="cell-title">{row.name}</span>
        )}
      </td>
      <td>
        <span className="tag">{row.role}</span>
      </td>
      <td>
        {row.isNew ? (
          <>
            <label className="visually-hidden" htmlFor={`traffic-${index}-version`}>
              Version of {who}
            </label>
            <select
              id={`traffic-${index}-version`}
              className="select"
              value={row.versionLabel ?? ''}
              onChange={(e) => onChange({ versionLabel: Number(e.target.value) })}
            >
              {versions.length === 0 && <option value="">No ready versions</option>}
              {versions.map((v) => (
                <option key={v.id} value={v.label}>
                  v{v.label}
                </option>
              ))}
            </select>
          </>
        ) : (
          <span className="mono">v{row.versionLabel}</span>
        )}
      </td>
      <td className="num">
        <label className="visually-hidden" htmlFor={`traffic-${index}-share`}>
          {shadow ? `Mirror share of ${who} (%)` : `Weight of ${who} (%)`}
        </label>
        <span className="input-suffix">
          <input
            id={`traffic-${index}-share`}
            className="input"
            type="number"
            inputMode="numeric"
            min={shadow ? 1 : 0}
            max={100}
            value={shadow ? row.mirrorPercent : row.weight}
            aria-invalid={!shadow && sumInvalid ? true : undefined}
            aria-describedby={shadow ? undefined : 'traffic-sum'}
            onChange={(e) => onChange(shadow ? { mirrorPercent: e.target.value } : { weight: e.target.value })}
          />
          <span aria-hidden="true">{shadow ? '% mirrored' : '%'}</span>
        </span>
      </td>
      <td className="actions">
        <button type="button" className="btn btn-sm btn-ghost" aria-label={`Remove ${who}`} disabled={!canRemove} onClick={onRemove}>
          Remove
        </button>
      </td>
    </tr>
  );
}

/** While a rollout runs, the table shows the split it moves to; this says where callers' requests go now. */
function RolloutTraffic({ deployment }: { deployment: Deployment }) {
  const now = actualTraffic(deployment);
  if (now === null) return null;
  return (
    <p className="alert alert-info" role="note" aria-label="Traffic now">
      Revision {deployment.revision} is rolling out: the table shows the split it moves to. Now: {now}.
    </p>
  );
}

let nextKey = 0;

function TrafficForm({ deployment, spec, versions }: { deployment: Deployment; spec: DeploymentSpec; versions: Version[] }) {
  const ready = versions.filter((v) => v.status === 'ready');
  // Untouched, the rows follow the target revision; the first edit takes a copy to work on.
  const [draft, setDraft] = useState<VariantDraft[] | null>(null);
  const rows = draft ?? fromSpec(spec);
  const update = useDeploymentUpdate(deployment.name);

  const total = servingTotal(rows);
  const sumInvalid = total !== 100;
  const problems = trafficProblems(rows);
  const servingCount = rows.filter((r) => r.role !== 'shadow').length;

  const edit = (key: string, change: Partial<VariantDraft>) => setDraft(rows.map((r) => (r.key === key ? { ...r, ...change } : r)));
  const add = (role: 'candidate' | 'shadow') =>
    setDraft([
      ...rows,
      {
        key: `new:${nextKey++}`,
        name: freeName(rows, role),
        role,
        isNew: true,
        versionLabel: ready[0]?.label ?? null,
        weight: '0',
        mirrorPercent: role === 'shadow' ? '10' : '0',
      },
    ]);

  const build = () => {
    const [problem] = problems;
    if (problem) throw new Error(problem);
    if (sumInvalid) throw new Error(`The serving weights add up to ${total}%; make them add up to 100%.`);
    return { variants: toVariants(rows) };
  };
  const send = (supersede?: boolean) => update.mutate({ build, supersede }, { onSuccess: () => setDraft(null) });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    send();
  };

  return (
    <form className="stack" onSubmit={submit} noValidate aria-label="Traffic split">
      <RolloutTraffic deployment={deployment} />
      <div className="table-wrap">
        <table className="table table-compact">
          <caption className="visually-hidden">Variants of revision {deployment.revision}</caption>
          <thead>
            <tr>
              <th scope="col">Variant</th>
              <th scope="col">Role</th>
              <th scope="col">Version</th>
              <th scope="col" className="num">
                Traffic
              </th>
              <th scope="col" className="actions">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, index) => (
              <VariantRow
                key={row.key}
                row={row}
                index={index}
                versions={ready}
                sumInvalid={sumInvalid}
                canRemove={rows.length > 1 && (row.role === 'shadow' || servingCount > 1)}
                onChange={(change) => edit(row.key, change)}
                onRemove={() => setDraft(rows.filter((r) => r.key !== row.key))}
              />
            ))}
          </tbody>
        </table>
      </div>
      <p id="traffic-sum" className={sumInvalid ? 'hint hint-error' : 'hint'} aria-live="polite">
        {sumInvalid
          ? `Serving weights add up to ${total}%: they must add up to 100% before you apply.`
          : 'Serving weights add up to 100%. Shadows get a copy of their share of requests; callers never see their answers.'}
      </p>
      {problems.length > 0 && (
        <ul className="problems" aria-label="Problems with the traffic split">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      <div className="row">
        <button type="button" className="btn btn-sm" onClick={() => add('candidate')} disabled={rows.length >= 8}>
          Add A/B candidate
        </button>
        <button type="button" className="btn btn-sm" onClick={() => add('shadow')} disabled={rows.length >= 8}>
          Add shadow
        </button>
      </div>
      <span className="hint">New variants run on the primary’s machine type with one replica; change that with Update once they exist.</span>
      <UpdateSubmit
        update={update}
        deployment={deployment}
        send={send}
        label="Apply traffic split"
        pendingLabel="Applying…"
        onReset={draft ? () => setDraft(null) : undefined}
      />
    </form>
  );
}

/** A/B splits and shadows: the target revision's variants with their weights and mirror shares. */
export function TrafficCard({ deployment }: { deployment: Deployment }) {
  const model = useModel(deployment.model.name);
  const { spec, status } = deployment;
  const notRunning = status === 'stopped' || status === 'stopping' || (status === 'failed' && deployment.stableRevision === null);
  return (
    <section className="card" aria-labelledby="traffic-title">
      <div className="card-header">
        <div>
          <h2 id="traffic-title">Traffic</h2>
          <p>Split callers between variants (A/B) or mirror requests to a shadow.</p>
        </div>
      </div>
      <div className="card-body">
        {notRunning || !spec ? (
          <EmptyState compact title="No traffic to split">
            Redeploy this deployment first; then split its traffic here.
          </EmptyState>
        ) : (
          <QueryContent query={model} loadingLabel="Loading versions…">
            {(loaded) => <TrafficForm deployment={deployment} spec={spec} versions={loaded.versions} />}
          </QueryContent>
        )}
      </div>
    </section>
  );
}
