'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '@/lib/client/api';
import { queryKeys, useMachineTypes } from '@/lib/client/queries';
import type { MachineType } from '@/lib/client/types';
import { EmptyState, FieldError, FormError, QueryContent } from '../states';
import { EMPTY_SPEC_DRAFT, parseDraft, SPEC_LABELS, SpecInput, type MachineSpecDraft } from './machine-spec-fields';
import { MachineTypeRow } from './machine-type-row';

function AddMachineTypeForm() {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [draft, setDraft] = useState<MachineSpecDraft>(EMPTY_SPEC_DRAFT);
  const create = useMutation({
    mutationFn: () => api.createMachineType({ name: name.trim(), ...parseDraft(draft) }),
    onSuccess: () => {
      setName('');
      setDraft(EMPTY_SPEC_DRAFT);
      return queryClient.invalidateQueries({ queryKey: queryKeys.machineTypes });
    },
  });
  const change = (patch: Partial<MachineSpecDraft>) => setDraft((current) => ({ ...current, ...patch }));

  const specField = (field: keyof MachineSpecDraft) => (
    <div className="field">
      <label htmlFor={`machine-${field}`}>{SPEC_LABELS[field]}</label>
      <SpecInput id={`machine-${field}`} field={field} draft={draft} onChange={change} aria-describedby={`machine-${field}-error`} />
      <FieldError error={create.error} field={field} id={`machine-${field}-error`} />
    </div>
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };

  return (
    <form className="stack" onSubmit={submit} noValidate aria-label="Add a machine type">
      <div className="form-row">
        <div className="field">
          <label htmlFor="machine-name">Name</label>
          <input
            id="machine-name"
            className="input"
            autoComplete="off"
            placeholder="e.g. cpu-xlarge"
            value={name}
            onChange={(e) => setName(e.target.value)}
            aria-describedby="machine-name-error"
          />
          <FieldError error={create.error} field="name" id="machine-name-error" />
        </div>
        {specField('vcpu')}
        {specField('memoryMb')}
      </div>
      <div className="form-row">
        {specField('gpuType')}
        {specField('gpuCount')}
        {specField('hourlyCost')}
      </div>
      <FormError error={create.error} fields={['name', 'vcpu', 'memoryMb', 'gpuType', 'gpuCount', 'hourlyCost']} />
      <div>
        <button type="submit" className="btn btn-primary" disabled={create.isPending}>
          {create.isPending ? 'Adding…' : 'Add machine type'}
        </button>
      </div>
    </form>
  );
}

function MachineTypesTable({ machineTypes }: { machineTypes: MachineType[] }) {
  return (
    <div className="table-wrap">
      <table className="table" aria-label="Machine types">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col" className="num">
              vCPU
            </th>
            <th scope="col" className="num">
              Memory
            </th>
            <th scope="col">GPU</th>
            <th scope="col" className="num">
              Cost
            </th>
            <th scope="col" className="actions">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {machineTypes.map((machine) => (
            <MachineTypeRow key={machine.id} machine={machine} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function MachineTypesPanel() {
  const machineTypes = useMachineTypes();
  return (
    <section className="card" aria-labelledby="machine-types-title">
      <div className="card-header">
        <div>
          <h2 id="machine-types-title">Machine catalog</h2>
          <p>The machine types teams deploy on. Changes apply to the next rollout; running replicas keep their machine.</p>
        </div>
      </div>
      <div className="card-body" style={{ borderBottom: '1px solid var(--border)' }}>
        <AddMachineTypeForm />
      </div>
      <QueryContent
        query={machineTypes}
        loadingLabel="Loading machine types…"
        isEmpty={(list) => list.length === 0}
        empty={
          <EmptyState compact title="No machine types yet">
            Add one above: teams can only deploy on machines in the catalog.
          </EmptyState>
        }
      >
        {(list) => <MachineTypesTable machineTypes={list} />}
      </QueryContent>
    </section>
  );
}
