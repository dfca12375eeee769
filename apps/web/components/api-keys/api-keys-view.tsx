'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '@/lib/client/api';
import { queryKeys, useApiKeys } from '@/lib/client/queries';
import type { ApiKey } from '@/lib/client/types';
import { CopyButton } from '../copy-button';
import { PageHeader } from '../page-header';
import { EmptyState, FormError, QueryContent } from '../states';
import { useInlineConfirm } from '../use-inline-confirm';
import { TimeAgo } from '../time-ago';
import { KeyScopeFields, keyScopeInput, NO_SCOPE, type KeyScopeDraft } from '../accounts/key-scope-fields';
import { KeyScopeCell } from '../accounts/key-scope-cell';

/** The plaintext key exists only in the create response: show it once, plainly, with a way to copy it. */
function NewKeyNotice({ name, secret, onDone }: { name: string; secret: string; onDone: () => void }) {
  return (
    <div className="alert alert-success stack" role="status" style={{ gap: 10 }}>
      <div>
        <strong>API key “{name}” created.</strong> Copy it now: it is shown only once.
      </div>
      <div className="secret">
        <code style={{ flex: 1 }} aria-label="New API key">
          {secret}
        </code>
        <CopyButton text={secret} label="Copy API key" />
      </div>
      <div>
        <button type="button" className="btn btn-sm" onClick={onDone}>
          Done
        </button>
      </div>
    </div>
  );
}

function CreateKeyForm() {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [scope, setScope] = useState<KeyScopeDraft>(NO_SCOPE);
  const create = useMutation({
    mutationFn: () => {
      if (!name.trim()) throw new Error('Give the key a name, e.g. where it will be used.');
      return api.createApiKey(name.trim(), keyScopeInput(scope));
    },
    onSuccess: () => {
      setName('');
      setScope(NO_SCOPE);
      return queryClient.invalidateQueries({ queryKey: queryKeys.apiKeys });
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };

  return (
    <div className="stack">
      <form className="form-row" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor="key-name">Key name</label>
          <input id="key-name" className="input" placeholder="e.g. checkout-service" value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        <KeyScopeFields draft={scope} onChange={setScope} />
        <button type="submit" className="btn btn-primary" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create key'}
        </button>
      </form>
      <FormError error={create.error} />
      {create.data && <NewKeyNotice name={create.data.apiKey.name} secret={create.data.key} onDone={() => create.reset()} />}
    </div>
  );
}

function RevokeButton({ apiKey }: { apiKey: ApiKey }) {
  const queryClient = useQueryClient();
  const { confirming, open, cancel, triggerRef } = useInlineConfirm();
  const revoke = useMutation({
    mutationFn: () => api.revokeApiKey(apiKey.id),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.apiKeys }),
  });

  if (!confirming) {
    return (
      <button type="button" className="btn btn-sm btn-danger" ref={triggerRef} onClick={open} aria-label={`Revoke ${apiKey.name}`}>
        Revoke
      </button>
    );
  }
  return (
    <span className="row" style={{ justifyContent: 'flex-end' }}>
      {revoke.error && (
        <span className="reason" role="alert">
          {revoke.error.message}
        </span>
      )}
      <button type="button" className="btn btn-sm btn-danger-solid" onClick={() => revoke.mutate()} disabled={revoke.isPending}>
        {revoke.isPending ? 'Revoking…' : `Revoke ${apiKey.name}`}
      </button>
      <button type="button" className="btn btn-sm" onClick={cancel} autoFocus>
        Cancel
      </button>
    </span>
  );
}

function ApiKeysTable({ keys }: { keys: ApiKey[] }) {
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Key</th>
            <th scope="col">Scope</th>
            <th scope="col">Requests</th>
            <th scope="col">Created</th>
            <th scope="col">Last used</th>
            <th scope="col" className="actions">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {keys.map((key) => (
            <tr key={key.id}>
              <td className="cell-title">{key.name}</td>
              <td className="mono muted">{key.prefix}…</td>
              <td>
                <KeyScopeCell apiKey={key} />
              </td>
              <td className="mono">{key.requestCount.toLocaleString('en')}</td>
              <td className="muted">
                <TimeAgo iso={key.createdAt} />
              </td>
              <td className="muted">{key.lastUsedAt ? <TimeAgo iso={key.lastUsedAt} /> : 'Never'}</td>
              <td className="actions">
                <RevokeButton apiKey={key} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function ApiKeysView() {
  const keys = useApiKeys();
  return (
    <>
      <PageHeader title="API keys" subtitle="Keys authenticate prediction requests at the gateway: Authorization: Bearer <key>." />
      <section className="card card-body">
        <CreateKeyForm />
      </section>
      <section className="card" aria-label="Your API keys">
        <QueryContent
          query={keys}
          loadingLabel="Loading API keys…"
          isEmpty={(list) => list.length === 0}
          empty={
            <EmptyState compact title="No API keys yet">
              Create a key above, then send it as a Bearer token to call your deployments.
            </EmptyState>
          }
        >
          {(list) => <ApiKeysTable keys={list} />}
        </QueryContent>
      </section>
    </>
  );
}
