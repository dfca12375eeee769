'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { modelAccountsApi } from '@/lib/client/accounts';
import { queryKeys } from '@/lib/client/queries';
import type { Model } from '@/lib/client/types';
import { FormError } from '../states';
import { MarkdownCard } from './markdown-card';

function TagsEditor({ model }: { model: Model }) {
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (tags: string[]) => modelAccountsApi.updateModel(model.name, { tags }),
    onSuccess: () => {
      setDraft(null);
      return queryClient.invalidateQueries({ queryKey: queryKeys.model(model.name) });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate(
      (draft ?? '')
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
    );
  };
  if (draft === null) {
    return (
      <div className="row" style={{ flexWrap: 'wrap', gap: 6 }} aria-label="Tags">
        {model.tags.length === 0 && <span className="muted">No tags</span>}
        {model.tags.map((t) => (
          <span key={t} className="badge" data-tone="blue">
            {t}
          </span>
        ))}
        <button type="button" className="btn btn-sm" onClick={() => setDraft(model.tags.join(', '))}>
          Edit tags
        </button>
      </div>
    );
  }
  return (
    <form className="stack" style={{ gap: 6 }} onSubmit={submit}>
      <div className="field">
        <label htmlFor="model-tags">Tags, separated by commas</label>
        <input id="model-tags" className="input" value={draft} onChange={(e) => setDraft(e.target.value)} autoFocus />
      </div>
      <div className="row" style={{ gap: 6 }}>
        <button type="submit" className="btn btn-sm btn-primary" disabled={save.isPending}>
          Save tags
        </button>
        <button type="button" className="btn btn-sm" onClick={() => setDraft(null)}>
          Cancel
        </button>
      </div>
      <FormError error={save.error} />
    </form>
  );
}

/** The model card: tags and a markdown description that the team writes and everyone who can see the model reads. */
export function ModelCard({ model }: { model: Model }) {
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: (description: string) => modelAccountsApi.updateModel(model.name, { description }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.model(model.name) }),
  });
  return (
    <section className="card" aria-labelledby="model-card-title">
      <div className="card-header">
        <div>
          <h2 id="model-card-title">Model card</h2>
          <p>What the model does, its data and its limits, in markdown; tags help find it.</p>
        </div>
      </div>
      <div className="card-body stack">
        <TagsEditor model={model} />
        <MarkdownCard text={model.description} onSave={(text) => save.mutateAsync(text)} error={save.error} saving={save.isPending} />
      </div>
    </section>
  );
}
