'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { type FormEvent, useState } from 'react';
import { modelAccountsApi } from '@/lib/client/accounts';
import { queryKeys, useDeployments } from '@/lib/client/queries';
import type { Model } from '@/lib/client/types';
import { FormError } from '../states';

type MoveResult = Awaited<ReturnType<typeof modelAccountsApi.moveAlias>>;

/** "production → v3 rolled out to fraud-api (revision 4)", or that nothing follows it. */
function MoveOutcome({ result }: { result: MoveResult }) {
  const rolled = result.rollouts.filter((r) => r.changes.length > 0);
  return (
    <p role="status" className="muted">
      {result.alias.name} → v{result.alias.versionLabel}.{' '}
      {rolled.length === 0
        ? 'No running deployment had to change.'
        : `Rolling out: ${rolled.map((r) => `${r.deployment} (revision ${r.revision})`).join(', ')}.`}
    </p>
  );
}

function MoveAliasForm({ model }: { model: Model }) {
  const queryClient = useQueryClient();
  const ready = model.versions.filter((v) => v.status === 'ready');
  const [alias, setAlias] = useState(model.aliases[0]?.name ?? 'production');
  const [label, setLabel] = useState<number | undefined>(ready[0]?.label);
  const move = useMutation({
    mutationFn: () => {
      if (label === undefined) throw new Error('Upload a version and wait until it is ready: aliases point at ready versions.');
      return modelAccountsApi.moveAlias(model.name, alias.trim(), label);
    },
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.model(model.name) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.deployments }),
      ]),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    move.mutate();
  };
  return (
    <div className="stack" style={{ gap: 6 }}>
      <form className="form-row" onSubmit={submit} aria-label="Move an alias">
        <div className="field">
          <label htmlFor="alias-name">Alias</label>
          <input id="alias-name" className="input mono" list="alias-suggestions" value={alias} onChange={(e) => setAlias(e.target.value.toLowerCase())} />
          <datalist id="alias-suggestions">
            {['production', 'staging', ...model.aliases.map((a) => a.name)].map((n) => (
              <option key={n} value={n} />
            ))}
          </datalist>
        </div>
        <div className="field">
          <label htmlFor="alias-version">Points at</label>
          <select id="alias-version" className="select" value={label ?? ''} onChange={(e) => setLabel(Number(e.target.value))}>
            {ready.map((v) => (
              <option key={v.id} value={v.label}>
                v{v.label}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="btn btn-primary" disabled={move.isPending}>
          {move.isPending ? 'Moving…' : 'Move alias'}
        </button>
      </form>
      <FormError error={move.error} />
      {move.data && <MoveOutcome result={move.data} />}
    </div>
  );
}

/** Makes one of the model's deployments follow an alias (or none): it rolls out now when the alias points elsewhere. */
function FollowForm({ model }: { model: Model }) {
  const queryClient = useQueryClient();
  const deployments = (useDeployments().data ?? []).filter((d) => d.model.name === model.name && d.canChange);
  const [deployment, setDeployment] = useState('');
  const [alias, setAlias] = useState('');
  const chosen = deployment || deployments[0]?.name || '';
  const follow = useMutation({
    mutationFn: () => modelAccountsApi.follow(chosen, alias || null),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.model(model.name) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.deployments }),
      ]),
  });
  if (deployments.length === 0 || model.aliases.length === 0) return null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    follow.mutate();
  };
  return (
    <div className="stack" style={{ gap: 6 }}>
      <form className="form-row" onSubmit={submit} aria-label="Follow an alias">
        <div className="field">
          <label htmlFor="follow-deployment">Deployment</label>
          <select id="follow-deployment" className="select" value={chosen} onChange={(e) => setDeployment(e.target.value)}>
            {deployments.map((d) => (
              <option key={d.id} value={d.name}>
                {d.name}
                {d.followsAlias ? ` (follows ${d.followsAlias})` : ''}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="follow-alias">Follows</label>
          <select id="follow-alias" className="select" value={alias} onChange={(e) => setAlias(e.target.value)}>
            <option value="">No alias</option>
            {model.aliases.map((a) => (
              <option key={a.name} value={a.name}>
                {a.name} (v{a.versionLabel})
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="btn" disabled={follow.isPending || !chosen}>
          {follow.isPending ? 'Saving…' : 'Save'}
        </button>
      </form>
      <FormError error={follow.error} />
      {follow.data && (
        <p role="status" className="muted">
          {chosen} {follow.data.followsAlias ? `follows ${follow.data.followsAlias}` : 'follows no alias'}
          {follow.data.rollout?.changes.length ? `; rolling out revision ${follow.data.rollout.revision}.` : '.'}
        </p>
      )}
    </div>
  );
}

/** Aliases (production, staging…) and which deployments serve each version: moving an alias rolls its followers out. */
export function AliasesCard({ model }: { model: Model }) {
  const used = Object.entries(model.usedBy).sort(([a], [b]) => Number(b) - Number(a));
  return (
    <section className="card" aria-labelledby="aliases-title">
      <div className="card-header">
        <div>
          <h2 id="aliases-title">Aliases and usage</h2>
          <p>A deployment can follow an alias: moving the alias rolls it out to that version with the deployment’s own strategy.</p>
        </div>
      </div>
      <div className="card-body stack">
        {model.aliases.length === 0 ? (
          <p className="muted">No aliases yet: name one below (production, staging…) and point it at a ready version.</p>
        ) : (
          <ul className="stack" style={{ listStyle: 'none', margin: 0, padding: 0, gap: 4 }} aria-label="Aliases">
            {model.aliases.map((a) => (
              <li key={a.name} data-alias={a.name}>
                <strong className="mono">{a.name}</strong> → v{a.versionLabel} <span className="muted">(moved by {a.updatedBy})</span>
              </li>
            ))}
          </ul>
        )}
        <MoveAliasForm model={model} />
        <FollowForm model={model} />
        <div>
          <h3 style={{ fontSize: 14, margin: '8px 0 4px' }}>Which deployments use each version</h3>
          {used.length === 0 ? (
            <p className="muted">No running deployment serves a version of this model.</p>
          ) : (
            <ul style={{ listStyle: 'none', margin: 0, padding: 0 }} aria-label="Versions in use">
              {used.map(([label, deployments]) => (
                <li key={label}>
                  v{label}:{' '}
                  {deployments.map((d, i) => (
                    <span key={d.deployment}>
                      {i > 0 && ', '}
                      <Link href={`/deployments/${d.deployment}`}>{d.deployment}</Link>
                      {d.followsAlias && <span className="muted"> (follows {d.followsAlias})</span>}
                    </span>
                  ))}
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
    </section>
  );
}
