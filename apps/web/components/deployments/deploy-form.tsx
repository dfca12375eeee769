'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { api } from '@/lib/client/api';
import { describeMachine, formatCost, shortDigest } from '@/lib/client/format';
import { queryKeys, useMachineTypes, useModel, useModels } from '@/lib/client/queries';
import type { MachineType, ModelSummary } from '@/lib/client/types';
import { PageHeader } from '../page-header';
import { EmptyState, FormError, QueryContent } from '../states';

const HOURS_PER_MONTH = 730;
const MAX_REPLICAS = 16;

interface Prefill {
  initialModel?: string;
  initialVersion?: number;
  initialName?: string;
}

function Form({
  models,
  machineTypes,
  initialModel,
  initialVersion,
  initialName,
}: Prefill & { models: ModelSummary[]; machineTypes: MachineType[] }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [modelName, setModelName] = useState(initialModel ?? models[0]?.name ?? '');
  // Unset choices follow their defaults: the name tracks the model until the user edits it.
  const [nameInput, setNameInput] = useState<string | null>(initialName ?? null);
  const [versionChoice, setVersionChoice] = useState<number | null>(initialVersion ?? null);
  const [machineChoice, setMachineChoice] = useState<string | null>(null);
  const [replicas, setReplicas] = useState('1');

  const model = useModel(modelName, modelName !== '');
  const readyVersions = model.data?.versions.filter((v) => v.status === 'ready') ?? [];
  const versionLabel = readyVersions.find((v) => v.label === versionChoice)?.label ?? readyVersions[0]?.label;
  const name = nameInput ?? modelName;
  const machine = machineTypes.find((m) => m.name === machineChoice) ?? machineTypes[0];
  const replicaCount = Number(replicas);

  const deploy = useMutation({
    mutationFn: () => {
      if (versionLabel === undefined) throw new Error('This model has no ready version to deploy yet.');
      if (!machine) throw new Error('Choose a machine type.');
      if (!Number.isInteger(replicaCount) || replicaCount < 1 || replicaCount > MAX_REPLICAS) {
        throw new Error(`Replicas must be a whole number from 1 to ${MAX_REPLICAS}.`);
      }
      return api.createDeployment({ name, modelName, versionLabel, machineType: machine.name, replicas: replicaCount });
    },
    onSuccess: (deployment) => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.deployments });
      router.push(`/deployments/${deployment.name}`);
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    deploy.mutate();
  };

  return (
    <form className="form" onSubmit={submit} noValidate>
      <div className="field">
        <label htmlFor="deploy-model">Model</label>
        <select
          id="deploy-model"
          className="select"
          value={modelName}
          onChange={(e) => {
            setModelName(e.target.value);
            setVersionChoice(null);
          }}
        >
          {models.map((m) => (
            <option key={m.id} value={m.name}>
              {m.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="deploy-name">Deployment name</label>
        <input
          id="deploy-name"
          className="input mono"
          value={name}
          autoComplete="off"
          spellCheck={false}
          aria-describedby="deploy-name-hint"
          onChange={(e) => setNameInput(e.target.value.toLowerCase())}
        />
        <span id="deploy-name-hint" className="hint">
          Part of the endpoint URL: <code>/models/{name || '…'}/predict</code>
        </span>
      </div>
      <div className="field">
        <label htmlFor="deploy-version">Version</label>
        <select
          id="deploy-version"
          className="select"
          value={versionLabel ?? ''}
          onChange={(e) => setVersionChoice(Number(e.target.value))}
          aria-describedby="deploy-version-hint"
        >
          {model.isPending && <option value="">Loading versions…</option>}
          {!model.isPending && readyVersions.length === 0 && <option value="">No ready versions</option>}
          {readyVersions.map((v) => (
            <option key={v.id} value={v.label}>
              v{v.label} — {shortDigest(v.digest)}
            </option>
          ))}
        </select>
        <span id="deploy-version-hint" className="hint">
          Only versions that passed validation can be deployed.
        </span>
        <FormError error={model.error} />
      </div>
      <div className="form-row">
        <div className="field" style={{ flex: '3 1 260px' }}>
          <label htmlFor="deploy-machine">Machine type</label>
          <select
            id="deploy-machine"
            className="select"
            value={machine?.name ?? ''}
            onChange={(e) => setMachineChoice(e.target.value)}
          >
            {machineTypes.map((m) => (
              <option key={m.id} value={m.name}>
                {describeMachine(m)}
              </option>
            ))}
          </select>
        </div>
        <div className="field" style={{ flex: '1 1 100px' }}>
          <label htmlFor="deploy-replicas">Replicas</label>
          <input
            id="deploy-replicas"
            className="input"
            type="number"
            inputMode="numeric"
            min={1}
            max={MAX_REPLICAS}
            value={replicas}
            onChange={(e) => setReplicas(e.target.value)}
          />
        </div>
      </div>
      {machine && Number.isInteger(replicaCount) && replicaCount > 0 && (
        <p className="hint" aria-live="polite">
          Estimated cost: {formatCost(machine.hourlyCost * replicaCount)} (about $
          {Math.round(machine.hourlyCost * replicaCount * HOURS_PER_MONTH).toLocaleString('en')} a month) for {replicaCount}{' '}
          {replicaCount === 1 ? 'replica' : 'replicas'}.
        </p>
      )}
      <FormError error={deploy.error} />
      <div className="row">
        <button type="submit" className="btn btn-primary" disabled={deploy.isPending || deploy.isSuccess}>
          {deploy.isPending ? 'Deploying…' : 'Deploy'}
        </button>
        <Link className="btn btn-ghost" href={modelName ? `/models/${modelName}` : '/deployments'}>
          Cancel
        </Link>
      </div>
    </form>
  );
}

export function NewDeploymentView(prefill: Prefill) {
  const models = useModels();
  const machineTypes = useMachineTypes();
  return (
    <>
      <PageHeader
        title="Deploy a model"
        breadcrumb={<Link href="/deployments">Deployments</Link>}
        subtitle="Starts replicas of a model version and serves them behind one endpoint."
      />
      <section className="card card-body">
        <QueryContent
          query={models}
          loadingLabel="Loading models…"
          isEmpty={(list) => list.length === 0}
          empty={
            <EmptyState
              compact
              title="No models to deploy"
              action={
                <Link className="btn btn-primary" href="/models/new">
                  Upload your first model
                </Link>
              }
            >
              Upload a model first; once a version is ready you can deploy it here.
            </EmptyState>
          }
        >
          {(modelList) => (
            <QueryContent query={machineTypes} loadingLabel="Loading machine types…">
              {(machines) => (
                <Form models={modelList} machineTypes={machines} {...prefill} />
              )}
            </QueryContent>
          )}
        </QueryContent>
      </section>
    </>
  );
}
