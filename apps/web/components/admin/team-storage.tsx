'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '@/lib/client/api';
import { queryKeys } from '@/lib/client/queries';
import { usageQueryKey } from '@/lib/client/quota';
import type { Team } from '@/lib/client/types';
import { StorageUsageBar } from '../quota/usage-bars';
import { FormError } from '../states';

// GB as formatBytes shows it (powers of 1024), so "1" in the form reads back as "1.0 GB".
const GB = 1024 ** 3;

/** The quota field's text: empty means no limit. */
function parseQuotaGb(text: string): number | null {
  if (!text.trim()) return null;
  const gb = Number(text);
  if (!Number.isFinite(gb) || gb < 0) throw new Error('Enter the quota in GB as a number of 0 or more, or leave it empty for no limit.');
  return Math.round(gb * GB);
}

const quotaText = (bytes: number | null) => (bytes === null ? '' : String(+(bytes / GB).toFixed(3)));

function QuotaForm({ team }: { team: Team }) {
  const queryClient = useQueryClient();
  const [quota, setQuota] = useState(quotaText(team.storageQuotaBytes));
  const save = useMutation({
    mutationFn: () => api.updateTeamQuota(team.id, parseQuotaGb(quota)),
    onSuccess: () => Promise.all([queryClient.invalidateQueries({ queryKey: queryKeys.teams }), queryClient.invalidateQueries({ queryKey: usageQueryKey })]),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };

  const inputId = `quota-${team.id}`;
  return (
    <form className="stack" onSubmit={submit} noValidate aria-label={`Storage quota of ${team.name}`}>
      <div className="form-row">
        <div className="field" style={{ flex: '0 1 240px' }}>
          <label htmlFor={inputId}>Storage quota (GB)</label>
          <input
            id={inputId}
            className="input"
            type="number"
            min={0}
            step="any"
            inputMode="decimal"
            placeholder="Unlimited"
            aria-describedby={`${inputId}-hint`}
            value={quota}
            onChange={(e) => setQuota(e.target.value)}
          />
        </div>
        <button type="submit" className="btn" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : 'Save quota'}
        </button>
      </div>
      <span id={`${inputId}-hint`} className="hint">
        Leave empty for no limit. Uploads that would go over the quota are refused.
      </span>
      <FormError error={save.error} />
    </form>
  );
}

/** A team's stored artifact bytes against its quota, and the form to change the quota. */
export function TeamStorage({ team }: { team: Team }) {
  return (
    <div className="stack">
      <StorageUsageBar teamName={team.name} quotaBytes={team.storageQuotaBytes} usedBytes={team.storageUsedBytes} />
      <QuotaForm team={team} />
    </div>
  );
}
