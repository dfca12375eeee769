'use client';

import { useState, type FormEvent } from 'react';
import { describeVariantNow, variantNow } from '@/lib/client/deployment-truth';
import { formatCost, shortDigest } from '@/lib/client/format';
import { useMachineTypes, useModel } from '@/lib/client/queries';
import type { Deployment, DeploymentSpec, MachineType, Version } from '@/lib/client/types';
import { EmptyState, QueryContent } from '../states';
import { UpdateSubmit, useDeploymentUpdate } from './deployment-mutations';
import { assertReplicaCount, MachineFields } from './machine-fields';
import { defaultStrategyDraft, StrategyFields, toStrategy, type StrategyDraft } from './strategy-fields';

function UpdateForm({
  deployment,
  spec,
  versions,
  machineTypes,
}: {
  deployment: Deployment;
  spec: DeploymentSpec;
  versions: Version[];
  machineTypes: MachineType[];
}) {
  const ready = versions.filter((v) => v.status === 'ready');
  const primary = spec.variants.find((v) => v.role === 'primary') ?? spec.variants[0]!;
  // Unset choices follow the current revision (and the newest ready version), so they stay right as it changes.
  const [variantChoice, setVariantChoice] = useState<string | null>(null);
  const [versionChoice, setVersionChoice] = useState<number | null>(null);
  const [machineChoice, setMachineChoice] = useState<string | null>(null);
  const [replicasInput, setReplicasInput] = useState<string | null>(null);
  const [strategy, setStrategy] = useState<StrategyDraft>(defaultStrategyDraft);

  const variant = spec.variants.find((v) => v.name === variantChoice) ?? primary;
  const versionLabel = ready.some((v) => v.label === versionChoice) ? versionChoice : (ready[0]?.label ?? null);
  const chosenVersion = ready.find((v) => v.label === versionLabel);
  const machine = machineTypes.find((m) => m.name === (machineChoice ?? variant.machineType));
  const replicas = replicasInput ?? String(variant.replicas);
  const replicaCount = Number(replicas);
  // The revision says what should run; the replica sets say what answers callers: they differ while a rollout runs.
  const now = variantNow(deployment, variant);

  const update = useDeploymentUpdate(deployment.name);
  const build = () => {
    if (versionLabel === null) throw new Error('This model has no ready version to roll out.');
    if (!machine) throw new Error('Choose a machine type.');
    assertReplicaCount(replicaCount);
    return { variant: variant.name, versionLabel, machineType: machine.name, replicas: replicaCount, strategy: toStrategy(strategy) };
  };
  const send = (supersede?: boolean) =>
    update.mutate(
      { build, supersede },
      {
        onSuccess: () => {
          setVersionChoice(null);
          setMachineChoice(null);
          setReplicasInput(null);
        },
      },
    );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    send();
  };

  return (
    <form className="form" onSubmit={submit} noValidate aria-label="Update the deployment">
      {spec.variants.length > 1 && (
        <div className="field">
          <label htmlFor="update-variant">Variant</label>
          <select id="update-variant" className="select" value={variant.name} onChange={(e) => setVariantChoice(e.target.value)}>
            {spec.variants.map((v) => (
              <option key={v.name} value={v.name}>
                {v.name} ({v.role}, v{v.versionLabel})
              </option>
            ))}
          </select>
        </div>
      )}
      <div className="field">
        <label htmlFor="update-version">Version</label>
        <select
          id="update-version"
          className="select"
          value={versionLabel ?? ''}
          onChange={(e) => setVersionChoice(Number(e.target.value))}
          aria-describedby="update-version-hint"
        >
          {ready.length === 0 && <option value="">No ready versions</option>}
          {ready.map((v) => (
            <option key={v.id} value={v.label}>
              v{v.label} — {shortDigest(v.digest)}
              {v.digest === variant.versionDigest ? ' (running now)' : ''}
            </option>
          ))}
        </select>
        <span id="update-version-hint" className="hint">
          {now.converging ? describeVariantNow(now) : `${variant.name} runs v${variant.versionLabel} now`}
          {now.converging ? '' : chosenVersion && chosenVersion.digest !== variant.versionDigest ? `; v${chosenVersion.label} would replace it.` : '.'} Only
          versions that passed validation are listed.
        </span>
      </div>
      <MachineFields id="update" machineTypes={machineTypes} machine={machine} onMachine={setMachineChoice} replicas={replicas} onReplicas={setReplicasInput} />
      {machine && Number.isInteger(replicaCount) && replicaCount > 0 && (
        <p className="hint" aria-live="polite">
          Estimated cost for {variant.name}: {formatCost(machine.hourlyCost * replicaCount)} for {replicaCount} {replicaCount === 1 ? 'replica' : 'replicas'}.
        </p>
      )}
      <StrategyFields id="update" draft={strategy} onChange={setStrategy} />
      <UpdateSubmit
        update={update}
        deployment={deployment}
        send={send}
        label="Roll out"
        pendingLabel="Rolling out…"
        becomes="the history below keeps every revision"
      />
    </form>
  );
}

/** Where a data scientist changes what a live deployment runs: a new revision, rolled out with a strategy. */
export function UpdateCard({ deployment }: { deployment: Deployment }) {
  const model = useModel(deployment.model.name);
  const machineTypes = useMachineTypes();
  const { spec, status } = deployment;
  const notRunning = status === 'stopped' || status === 'stopping' || (status === 'failed' && deployment.stableRevision === null);
  return (
    <section className="card" aria-labelledby="update-title">
      <div className="card-header">
        <div>
          <h2 id="update-title">Update</h2>
          <p>A new version, machine type or replica count, rolled out as a new revision.</p>
        </div>
      </div>
      <div className="card-body">
        {notRunning || !spec ? (
          <EmptyState compact title={status === 'failed' ? 'Nothing is serving to update' : 'This deployment is stopped'}>
            Redeploy it (button at the top of the page) to serve a version again; then update it here.
          </EmptyState>
        ) : (
          <QueryContent query={model} loadingLabel="Loading versions…">
            {(loaded) => (
              <QueryContent query={machineTypes} loadingLabel="Loading machine types…">
                {(machines) => <UpdateForm deployment={deployment} spec={spec} versions={loaded.versions} machineTypes={machines} />}
              </QueryContent>
            )}
          </QueryContent>
        )}
      </div>
    </section>
  );
}
