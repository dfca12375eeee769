'use client';

import type { SecretSummary } from '@slipway/client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '@/lib/client/api';
import { queryKeys, useMe, useSecrets } from '@/lib/client/queries';
import { PageHeader } from '../page-header';
import { EmptyState, FormError, QueryContent } from '../states';
import { TimeAgo } from '../time-ago';
import { useInlineConfirm } from '../use-inline-confirm';

const NAME = /^[A-Z_][A-Z0-9_]*$/;

/** Set or rotate: the value goes in once and is never shown again (not even to the person who set it). */
function SetSecretForm({ teamId }: { teamId: string }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [value, setValue] = useState('');
  const set = useMutation({
    mutationFn: () => {
      if (!NAME.test(name)) throw new Error('Name it like an environment variable: capitals, digits and _, e.g. PI_TOKEN.');
      if (!value) throw new Error('Enter the value to store.');
      return api.setSecret(teamId, name, value);
    },
    onSuccess: () => {
      setValue('');
      return queryClient.invalidateQueries({ queryKey: queryKeys.secrets(teamId) });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    set.mutate();
  };
  return (
    <div className="stack">
      <form className="form-row" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor="secret-name">Name</label>
          <input
            id="secret-name"
            className="input mono"
            placeholder="PI_TOKEN"
            autoCapitalize="characters"
            autoComplete="off"
            value={name}
            onChange={(e) => setName(e.target.value.toUpperCase())}
          />
        </div>
        <div className="field">
          <label htmlFor="secret-value">Value</label>
          <input id="secret-value" className="input" type="password" autoComplete="new-password" value={value} onChange={(e) => setValue(e.target.value)} />
        </div>
        <button type="submit" className="btn btn-primary" disabled={set.isPending}>
          {set.isPending ? 'Saving…' : 'Save secret'}
        </button>
      </form>
      <FormError error={set.error} />
      {set.data && (
        <div className="alert alert-success" role="status">
          {set.data.name} saved (version {set.data.version}). Services that name it get it when their replicas next start.
        </div>
      )}
    </div>
  );
}

function DeleteButton({ teamId, secret }: { teamId: string; secret: SecretSummary }) {
  const queryClient = useQueryClient();
  const { confirming, open, cancel, triggerRef } = useInlineConfirm();
  const remove = useMutation({
    mutationFn: () => api.deleteSecret(teamId, secret.name),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.secrets(teamId) }),
  });
  if (!confirming) {
    return (
      <button type="button" className="btn btn-sm btn-danger" ref={triggerRef} onClick={open} aria-label={`Delete ${secret.name}`}>
        Delete
      </button>
    );
  }
  return (
    <span className="row" style={{ justifyContent: 'flex-end' }}>
      {remove.error && (
        <span className="reason" role="alert">
          {remove.error.message}
        </span>
      )}
      <button type="button" className="btn btn-sm btn-danger-solid" onClick={() => remove.mutate()} disabled={remove.isPending}>
        {remove.isPending ? 'Deleting…' : `Delete ${secret.name}`}
      </button>
      <button type="button" className="btn btn-sm" onClick={cancel} autoFocus>
        Cancel
      </button>
    </span>
  );
}

function SecretsTable({ teamId, secrets }: { teamId: string; secrets: SecretSummary[] }) {
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Version</th>
            <th scope="col">Last set</th>
            <th scope="col" className="actions">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {secrets.map((secret) => (
            <tr key={secret.name}>
              <td className="cell-title mono">{secret.name}</td>
              <td className="muted">{secret.version}</td>
              <td className="muted">
                <TimeAgo iso={secret.updatedAt} />
              </td>
              <td className="actions">
                <DeleteButton teamId={teamId} secret={secret} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function SecretsView() {
  const me = useMe();
  const teams = me.data?.teams ?? [];
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  const teamId = chosen ?? teams.find((t) => t.role !== 'viewer')?.id ?? teams[0]?.id;
  const canWrite = teams.find((t) => t.id === teamId)?.role !== 'viewer';
  const secrets = useSecrets(teamId);
  return (
    <>
      <PageHeader
        title="Secrets"
        subtitle="Per-team values for services (runtime: service): list a name under secrets: in slipway.yaml and the process gets it as an environment variable. Encrypted at rest; never shown again."
      />
      {teams.length > 1 && (
        <div className="field">
          <label htmlFor="secret-team">Team</label>
          <select id="secret-team" className="input" value={teamId} onChange={(e) => setChosen(e.target.value)}>
            {teams.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </div>
      )}
      {teamId && canWrite && (
        <section className="card card-body">
          <SetSecretForm teamId={teamId} />
        </section>
      )}
      {teamId && (
        <section className="card" aria-label="The team's secrets">
          <QueryContent
            query={secrets}
            loadingLabel="Loading secrets…"
            isEmpty={(list) => list.length === 0}
            empty={
              <EmptyState compact title="No secrets yet">
                Save one above, then name it under <code>secrets:</code> in your service’s slipway.yaml.
              </EmptyState>
            }
          >
            {(list) => <SecretsTable teamId={teamId} secrets={list} />}
          </QueryContent>
        </section>
      )}
    </>
  );
}
