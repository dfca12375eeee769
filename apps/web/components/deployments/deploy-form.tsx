'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { api } from '@/lib/client/api';
import { formatCost, shortDigest } from '@/lib/client/format';
import { queryKeys, useMachineTypes, useModel, useModels } from '@/lib/client/queries';
import type { MachineType, ModelSummary, Version } from '@/lib/client/types';
import { CopyButton } from '../copy-button';
import { QuotaImpact } from '../quota/quota-impact';
import { PageHeader } from '../page-header';
import { EmptyState, FieldError, FormError, QueryContent } from '../states';
import { autoscalingOf, DeployScalingFields, INITIAL_DEPLOY_SCALING } from './deploy-scaling';
import { assertReplicaCount, defaultMachine, isPlaceable, MachineFields } from './machine-fields';
import { ModelPicker } from './model-picker';

const HOURS_PER_MONTH = 730;
const DIGEST_PATTERN = /^(sha256:)?([a-f0-9]{64})$/;

/** "sha256:<hex>" or the bare hex → the hex; null when it is not a sha256 digest. */
const parseDigest = (input: string) => DIGEST_PATTERN.exec(input.trim().toLowerCase())?.[2] ?? null;

type VersionChoice = { by: 'label'; label: number | undefined } | { by: 'digest'; input: string };

/** By label (the newest ready one by default), or pinned by content digest as a GitOps repository would. */
function VersionChooser({
  versions,
  loading,
  choice,
  onChange,
}: {
  versions: Version[];
  loading: boolean;
  choice: VersionChoice;
  onChange: (choice: VersionChoice) => void;
}) {
  const ready = versions.filter((v) => v.status === 'ready');
  const labelled = choice.by === 'label' ? ready.find((v) => v.label === choice.label) : undefined;
  const digest = choice.by === 'digest' ? parseDigest(choice.input) : null;
  const pinned = digest ? versions.find((v) => v.digest === digest) : undefined;
  return (
    <fieldset className="field" style={{ border: 0, padding: 0, margin: 0 }}>
      <legend className="label" style={{ marginBottom: 6 }}>
        Choose the version
      </legend>
      <div className="row">
        <label className="checkbox">
          <input type="radio" name="version-by" checked={choice.by === 'label'} onChange={() => onChange({ by: 'label', label: pinned?.label })} />
          By label
        </label>
        <label className="checkbox">
          <input
            type="radio"
            name="version-by"
            checked={choice.by === 'digest'}
            onChange={() => onChange({ by: 'digest', input: labelled ? `sha256:${labelled.digest}` : '' })}
          />
          Pin by digest
        </label>
      </div>
      {choice.by === 'label' ? (
        <>
          <label htmlFor="deploy-version">Version</label>
          <select
            id="deploy-version"
            className="select"
            value={labelled?.label ?? ''}
            onChange={(e) => onChange({ by: 'label', label: Number(e.target.value) })}
            aria-describedby="deploy-version-hint"
          >
            {loading && <option value="">Loading versions…</option>}
            {!loading && ready.length === 0 && <option value="">No ready versions</option>}
            {ready.map((v) => (
              <option key={v.id} value={v.label}>
                v{v.label} — {shortDigest(v.digest)}
              </option>
            ))}
          </select>
          <span id="deploy-version-hint" className="hint">
            {labelled ? (
              <span className="inline-code">
                Digest <code className="url">sha256:{labelled.digest}</code>
                <CopyButton text={`sha256:${labelled.digest}`} label="Copy digest" className="btn btn-sm btn-ghost" />
              </span>
            ) : (
              'Only versions that passed validation can be deployed.'
            )}
          </span>
        </>
      ) : (
        <>
          <label htmlFor="deploy-digest">Digest</label>
          <input
            id="deploy-digest"
            className="input mono"
            value={choice.input}
            placeholder="sha256:…"
            autoComplete="off"
            spellCheck={false}
            aria-describedby="deploy-digest-hint"
            onChange={(e) => onChange({ by: 'digest', input: e.target.value })}
          />
          <span id="deploy-digest-hint" className="hint" aria-live="polite">
            {!digest
              ? 'sha256: followed by 64 hex digits, e.g. from CI; the deployment serves exactly these bytes.'
              : !pinned
                ? 'No version of this model has this digest.'
                : pinned.status === 'ready'
                  ? `Matches v${pinned.label}.`
                  : `Matches v${pinned.label}, which is ${pinned.status}; only ready versions can be deployed.`}
          </span>
        </>
      )}
    </fieldset>
  );
}

interface Prefill {
  initialModel?: string;
  initialVersion?: number;
  initialName?: string;
}

/** The API's `versionLabel` or `versionDigest`; throws what the user must fix first. */
function chosenVersion(choice: VersionChoice): { versionLabel: number } | { versionDigest: string } {
  if (choice.by === 'label') {
    if (choice.label === undefined) throw new Error('This model has no ready version to deploy yet.');
    return { versionLabel: choice.label };
  }
  const digest = parseDigest(choice.input);
  if (!digest) throw new Error('Digest: enter sha256: followed by 64 hex digits.');
  return { versionDigest: `sha256:${digest}` };
}

function Form({ models, machineTypes, initialModel, initialVersion, initialName }: Prefill & { models: ModelSummary[]; machineTypes: MachineType[] }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  // Only the model the user came from is preselected (or the only one there is): never another user's newest. The model
  // named by the link is taken even when a list cached before it was created does not show it yet.
  const [modelName, setModelName] = useState(() => initialModel ?? (models.length === 1 ? models[0]!.name : ''));
  // Unset choices follow their defaults: the name tracks the model until the user edits it.
  const [nameInput, setNameInput] = useState<string | null>(initialName ?? null);
  const [versionChoice, setVersionChoice] = useState<VersionChoice>({ by: 'label', label: initialVersion });
  const [machineChoice, setMachineChoice] = useState<string | null>(null);
  const [replicas, setReplicas] = useState('1');
  const [scaling, setScaling] = useState(INITIAL_DEPLOY_SCALING);

  const model = useModel(modelName, modelName !== '');
  const versions = model.data?.versions ?? [];
  const readyVersions = versions.filter((v) => v.status === 'ready');
  // An unset or stale label follows the newest ready version.
  const choice: VersionChoice =
    versionChoice.by === 'label' && !readyVersions.some((v) => v.label === versionChoice.label)
      ? { by: 'label', label: readyVersions[0]?.label }
      : versionChoice;
  const name = nameInput ?? modelName;
  // The deployment belongs to the model's team: its quota is the one that counts.
  const teamId = models.find((m) => m.name === modelName)?.team.id;
  const machine = defaultMachine(machineTypes, machineChoice);
  const autoscale = scaling.mode === 'autoscale';
  // The quota and the cost count the worst case: the autoscaler's max.
  const replicaCount = autoscale ? Number(scaling.maxReplicas) : Number(replicas);

  const deploy = useMutation({
    mutationFn: () => {
      if (!modelName) throw new Error('Choose a model to deploy.');
      const version = chosenVersion(choice);
      if (!machine) throw new Error('Choose a machine type.');
      if (!isPlaceable(machine)) throw new Error(`${machine.name} cannot run here: ${machine.placement?.reason ?? 'choose another machine type.'}`);
      const autoscaling = autoscalingOf(scaling);
      if (!autoscaling) assertReplicaCount(replicaCount);
      const count = autoscaling ? Math.max(autoscaling.minReplicas, 1) : replicaCount;
      return api.createDeployment({ name, modelName, ...version, machineType: machine.name, replicas: count, autoscaling });
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
      <ModelPicker
        models={models}
        value={modelName}
        onChange={(next) => {
          setModelName(next);
          setVersionChoice({ by: 'label', label: undefined });
        }}
      />
      <div className="field">
        <label htmlFor="deploy-name">Deployment name</label>
        <input
          id="deploy-name"
          className="input mono"
          value={name}
          autoComplete="off"
          spellCheck={false}
          aria-describedby="deploy-name-hint deploy-name-error"
          onChange={(e) => setNameInput(e.target.value.toLowerCase())}
        />
        <FieldError error={deploy.error} field="name" id="deploy-name-error" />
        <span id="deploy-name-hint" className="hint">
          Part of the endpoint URL: <code>/models/{name || '…'}/predict</code>
        </span>
      </div>
      <VersionChooser versions={versions} loading={model.isPending} choice={choice} onChange={setVersionChoice} />
      <FormError error={model.error} />
      <MachineFields
        id="deploy"
        machineTypes={machineTypes}
        machine={machine}
        onMachine={setMachineChoice}
        replicas={replicas}
        onReplicas={setReplicas}
        showReplicas={!autoscale}
      />
      <DeployScalingFields scaling={scaling} onChange={setScaling} />
      {machine && teamId && Number.isInteger(replicaCount) && replicaCount > 0 && (
        <div className="stack" style={{ gap: 4 }}>
          <QuotaImpact teamId={teamId} variants={[{ machineType: machine.name, replicas: replicaCount }]} deploymentName={name} />
          <p className="hint">
            {autoscale ? 'At most' : 'About'} ${Math.round(machine.hourlyCost * replicaCount * HOURS_PER_MONTH).toLocaleString('en')} a month for {replicaCount}{' '}
            {replicaCount === 1 ? 'replica' : 'replicas'} ({formatCost(machine.hourlyCost)} each)
            {autoscale && Number(scaling.minReplicas) === 0 ? '; nothing while it sleeps.' : '.'}
          </p>
        </div>
      )}
      <FormError error={deploy.error} fields={['name']} />
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
              {(machines) => <Form models={modelList} machineTypes={machines} {...prefill} />}
            </QueryContent>
          )}
        </QueryContent>
      </section>
    </>
  );
}
