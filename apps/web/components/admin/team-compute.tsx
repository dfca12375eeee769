'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type KeyboardEvent } from 'react';
import { queryKeys, useMachineTypes } from '@/lib/client/queries';
import { quotaApi, usageQueryKey, type AdminTeam, type ComputeQuota, type TeamQuotaChanges } from '@/lib/client/quota';
import type { MachineType } from '@/lib/client/types';
import { ComputeUsageBars } from '../quota/usage-bars';
import { FieldError, FormError } from '../states';

/** The form's text per limit, empty for no limit. Memory is edited in GB (of 1024 MB) and stored in MB. */
interface ComputeDraft {
  vcpu: string;
  memoryGb: string;
  replicas: string;
  gpus: Record<string, string>;
}

const text = (n: number | null) => (n === null ? '' : String(n));

function toDraft(quota: ComputeQuota): ComputeDraft {
  return {
    vcpu: text(quota.vcpu),
    memoryGb: quota.memoryMb === null ? '' : String(+(quota.memoryMb / 1024).toFixed(3)),
    replicas: text(quota.replicas),
    gpus: Object.fromEntries(Object.entries(quota.gpus).map(([type, n]) => [type, String(n)])),
  };
}

/** Only that it is a number; whole numbers of 1 or more are the API's to judge, and its message is shown. */
function parseLimit(label: string, value: string): number | null {
  if (!value.trim()) return null;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`${label}: enter a number, or leave it empty for no limit.`);
  return n;
}

const gpuLabel = (type: string) => `${type} GPU quota`;

function parseDraft(draft: ComputeDraft, gpuTypes: string[]): TeamQuotaChanges {
  const memoryGb = parseLimit('Memory quota', draft.memoryGb);
  const gpus = gpuTypes.flatMap((type) => {
    const limit = parseLimit(gpuLabel(type), draft.gpus[type] ?? '');
    return limit === null ? [] : [[type, limit] as const];
  });
  return {
    vcpuQuota: parseLimit('vCPU quota', draft.vcpu),
    memoryQuotaMb: memoryGb === null ? null : Math.round(memoryGb * 1024),
    replicaQuota: parseLimit('Replica quota', draft.replicas),
    gpuQuota: gpus.length ? Object.fromEntries(gpus) : null,
  };
}

/** GPU models of the catalog, and any the quota names that the catalog no longer has. */
function gpuTypesOf(machineTypes: MachineType[] | undefined, quota: ComputeQuota): string[] {
  const inCatalog = (machineTypes ?? []).flatMap((m) => (m.gpuType && m.gpuCount > 0 ? [m.gpuType] : []));
  return [...new Set([...inCatalog, ...Object.keys(quota.gpus)])].sort();
}

function LimitField(props: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  hintId: string;
  decimal?: boolean;
  field: string;
  error: Error | null;
}) {
  return (
    <div className="field" style={{ flex: '0 1 170px' }}>
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        className="input"
        type="number"
        min={props.decimal ? 0 : 1}
        step={props.decimal ? 'any' : 1}
        inputMode={props.decimal ? 'decimal' : 'numeric'}
        autoComplete="off"
        placeholder="Unlimited"
        aria-describedby={`${props.hintId} ${props.id}-error`}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
      />
      <FieldError error={props.error} field={props.field} id={`${props.id}-error`} />
    </div>
  );
}

/** Enter saves from any field; Escape puts back the saved limits. */
function ComputeQuotaForm({ team }: { team: AdminTeam }) {
  const queryClient = useQueryClient();
  const machineTypes = useMachineTypes();
  const saved = team.compute.quota;
  const gpuTypes = gpuTypesOf(machineTypes.data, saved);
  const [draft, setDraft] = useState(() => toDraft(saved));
  const save = useMutation({
    mutationFn: () => quotaApi.updateTeamQuotas(team.id, parseDraft(draft, gpuTypes)),
    onSuccess: () => Promise.all([queryClient.invalidateQueries({ queryKey: queryKeys.teams }), queryClient.invalidateQueries({ queryKey: usageQueryKey })]),
  });

  const change = (patch: (current: ComputeDraft) => Partial<ComputeDraft>) => {
    save.reset();
    setDraft((current) => ({ ...current, ...patch(current) }));
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  const revertOnEscape = (event: KeyboardEvent) => {
    if (event.key !== 'Escape') return;
    save.reset();
    setDraft(toDraft(saved));
  };

  const id = (field: string) => `compute-${team.id}-${field}`;
  const hintId = id('hint');
  return (
    <form className="stack" onSubmit={submit} onKeyDown={revertOnEscape} noValidate aria-label={`Compute quota of ${team.name}`}>
      <div className="form-row">
        <LimitField
          id={id('vcpu')}
          label="vCPU quota"
          value={draft.vcpu}
          onChange={(vcpu) => change(() => ({ vcpu }))}
          hintId={hintId}
          field="vcpuQuota"
          error={save.error}
        />
        <LimitField
          id={id('memory')}
          label="Memory quota (GB)"
          value={draft.memoryGb}
          onChange={(memoryGb) => change(() => ({ memoryGb }))}
          hintId={hintId}
          decimal
          field="memoryQuotaMb"
          error={save.error}
        />
        <LimitField
          id={id('replicas')}
          label="Replica quota"
          value={draft.replicas}
          onChange={(replicas) => change(() => ({ replicas }))}
          hintId={hintId}
          field="replicaQuota"
          error={save.error}
        />
        {gpuTypes.map((type) => (
          <LimitField
            key={type}
            id={id(`gpu-${type}`)}
            label={gpuLabel(type)}
            value={draft.gpus[type] ?? ''}
            onChange={(value) => change((current) => ({ gpus: { ...current.gpus, [type]: value } }))}
            hintId={hintId}
            field={`gpuQuota.${type}`}
            error={save.error}
          />
        ))}
        <button type="submit" className="btn" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : 'Save compute quota'}
        </button>
      </div>
      <span id={hintId} className="hint">
        Leave a field empty for no limit; Escape undoes unsaved edits. Deploys and changes whose worst case (maxReplicas × machine type) would pass a limit are
        refused.
      </span>
      <FormError error={save.error} fields={['vcpuQuota', 'memoryQuotaMb', 'replicaQuota', ...gpuTypes.map((type) => `gpuQuota.${type}`)]} />
      {save.isSuccess && (
        <span className="hint" role="status">
          Compute quota saved.
        </span>
      )}
    </form>
  );
}

/** A team's compute at its deployments' worst case against its quota, and the form to change the quota. */
export function TeamCompute({ team }: { team: AdminTeam }) {
  return (
    <div className="stack">
      <ComputeUsageBars teamName={team.name} compute={team.compute} />
      <ComputeQuotaForm team={team} />
    </div>
  );
}
