'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { api } from '@/lib/client/api';
import { formatBytes, formatCost } from '@/lib/client/format';
import { queryKeys } from '@/lib/client/queries';
import type { MachineType } from '@/lib/client/types';
import { FormError } from '../states';
import { parseDraft, SPEC_LABELS, SpecInput, toDraft, type MachineSpecDraft } from './machine-spec-fields';

const COLUMNS = 6;
const NO_WRAP = { flexWrap: 'nowrap', justifyContent: 'flex-end' } as const;

/** A refusal (e.g. a 409 naming the deployments that use the machine) spans the whole row below. */
function ErrorRow({ error }: { error: Error | null }) {
  if (!error) return null;
  return (
    <tr>
      <td colSpan={COLUMNS}>
        <FormError error={error} />
      </td>
    </tr>
  );
}

const onEscape = (action: () => void) => (event: KeyboardEvent) => {
  if (event.key === 'Escape') action();
};

/** Inputs sit in the cells and join the form in the last cell through their `form` attribute: Enter saves. */
function EditRow({ machine, onClose }: { machine: MachineType; onClose: () => void }) {
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<MachineSpecDraft>(() => toDraft(machine));
  const update = useMutation({
    mutationFn: () => api.updateMachineType(machine.name, parseDraft(draft)),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: queryKeys.machineTypes });
      onClose();
    },
  });
  const change = (patch: Partial<MachineSpecDraft>) => setDraft((current) => ({ ...current, ...patch }));
  const formId = `edit-machine-${machine.id}`;
  const input = (field: keyof MachineSpecDraft, autoFocus = false) => (
    <SpecInput field={field} draft={draft} onChange={change} form={formId} aria-label={`${SPEC_LABELS[field]} of ${machine.name}`} autoFocus={autoFocus} />
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    update.mutate();
  };

  return (
    <>
      <tr onKeyDown={onEscape(onClose)}>
        <td className="cell-title" style={{ whiteSpace: 'nowrap' }}>
          {machine.name}
        </td>
        <td>{input('vcpu', true)}</td>
        <td>{input('memoryMb')}</td>
        <td>
          <div className="row" style={NO_WRAP}>
            {input('gpuCount')}
            {input('gpuType')}
          </div>
        </td>
        <td>{input('hourlyCost')}</td>
        <td className="actions">
          <form id={formId} className="row" style={NO_WRAP} onSubmit={submit} noValidate>
            <button type="submit" className="btn btn-sm btn-primary" disabled={update.isPending}>
              {update.isPending ? 'Saving…' : 'Save'}
            </button>
            <button type="button" className="btn btn-sm" onClick={onClose}>
              Cancel
            </button>
          </form>
        </td>
      </tr>
      <ErrorRow error={update.error} />
    </>
  );
}

function GpuCell({ machine }: { machine: MachineType }) {
  if (machine.gpuCount === 0) return <span className="muted">None</span>;
  return (
    <>
      {machine.gpuCount}× {machine.gpuType}
    </>
  );
}

type Mode = 'view' | 'edit' | 'confirm-delete';

export function MachineTypeRow({ machine }: { machine: MachineType }) {
  const queryClient = useQueryClient();
  const [mode, setMode] = useState<Mode>('view');
  const editButton = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);
  const remove = useMutation({
    mutationFn: () => api.deleteMachineType(machine.name),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.machineTypes }),
  });

  // Leaving the edit form or the delete confirmation unmounts the focused control: focus goes back to the row's Edit button.
  useEffect(() => {
    if (mode === 'view' && returnFocus.current) editButton.current?.focus();
    returnFocus.current = false;
  }, [mode]);

  const backToView = () => {
    returnFocus.current = true;
    remove.reset();
    setMode('view');
  };

  if (mode === 'edit') return <EditRow machine={machine} onClose={backToView} />;
  return (
    <>
      <tr onKeyDown={mode === 'confirm-delete' ? onEscape(backToView) : undefined}>
        <td className="cell-title" style={{ whiteSpace: 'nowrap' }}>
          {machine.name}
        </td>
        <td className="num">{machine.vcpu}</td>
        <td className="num">{formatBytes(machine.memoryMb * 1024 ** 2)}</td>
        <td>
          <GpuCell machine={machine} />
        </td>
        <td className="num">{formatCost(machine.hourlyCost)}</td>
        <td className="actions">
          {mode === 'confirm-delete' ? (
            <span className="row" style={NO_WRAP}>
              <button type="button" className="btn btn-sm btn-danger-solid" onClick={() => remove.mutate()} disabled={remove.isPending}>
                {remove.isPending ? 'Deleting…' : `Delete ${machine.name}`}
              </button>
              <button type="button" className="btn btn-sm" onClick={backToView} autoFocus>
                Cancel
              </button>
            </span>
          ) : (
            <span className="row" style={NO_WRAP}>
              <button type="button" className="btn btn-sm" ref={editButton} onClick={() => setMode('edit')} aria-label={`Edit ${machine.name}`}>
                Edit
              </button>
              <button type="button" className="btn btn-sm btn-danger" onClick={() => setMode('confirm-delete')} aria-label={`Delete ${machine.name}`}>
                Delete
              </button>
            </span>
          )}
        </td>
      </tr>
      <ErrorRow error={remove.error} />
    </>
  );
}
