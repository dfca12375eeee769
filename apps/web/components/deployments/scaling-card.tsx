'use client';

import { MAX_REPLICAS } from '@slipway/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { formatTime } from '@/lib/client/format';
import { DEFAULT_SCALING_MINUTES, useDeploymentEvents, useDeploymentScaling, useModel } from '@/lib/client/queries';
import { usageQueryKey } from '@/lib/client/quota';
import type { Autoscaling, Deployment, DeploymentSpec, Variant, VariantScaling } from '@/lib/client/types';
import { QuotaImpact } from '../quota/quota-impact';
import { EmptyState, QueryContent } from '../states';
import { AutoscalingFields } from './autoscaling-fields';
import { UpdateSubmit, useDeploymentUpdate } from './deployment-mutations';
import { ScheduleFields } from './schedule-fields';
import { draftFromSpec, previewTransitions, scalingProblems, sizeOfDraft, sizeOfSpec, toScalingUpdate, type ScalingDraft } from './scaling-draft';
import { TransitionList } from './scaling-transitions';

const FORM_ID = 'scaling';

const readyCount = (variant: Variant | undefined) => variant?.replicaList.filter((r) => r.state === 'ready').length ?? 0;

/** "0–2 replicas, 8 ongoing requests per replica". */
const describeAutoscaling = (a: Autoscaling) =>
  `${a.minReplicas}–${a.maxReplicas} replicas, ${a.targetOngoingRequests} ongoing ${a.targetOngoingRequests === 1 ? 'request' : 'requests'} per replica`;

/** Desired 0: asleep until a request wakes it; otherwise ready of desired, and which way it is moving. */
function ReplicasNow({ desired, ready }: { desired: number; ready: number }) {
  if (desired === 0) {
    return (
      <div className="stack" style={{ gap: 2 }}>
        <span className="badge" data-tone="blue" role="status" aria-label="Asleep (scaled to zero)">
          Asleep (scaled to zero)
        </span>
        <span className="hint">{ready > 0 ? `${ready} still draining; ` : ''}the next request wakes it.</span>
      </div>
    );
  }
  const moving = ready < desired ? 'scaling up' : ready > desired ? 'scaling down' : null;
  return (
    <div className="row" style={{ gap: 6 }}>
      <span style={{ whiteSpace: 'nowrap' }}>
        {ready} of {desired} ready
      </span>
      {moving && (
        <span className="badge" data-tone="amber" data-live="true">
          {moving}
        </span>
      )}
    </div>
  );
}

function BoundsNow({ scaling }: { scaling: VariantScaling }) {
  const { autoscaling, boundsNow } = scaling;
  if (!autoscaling || !boundsNow) return <span className="muted">—</span>;
  return (
    <span style={{ whiteSpace: 'nowrap' }}>
      {boundsNow.min}–{boundsNow.max}
      {boundsNow.schedule !== undefined && <span className="muted"> (schedule {boundsNow.schedule + 1})</span>}
    </span>
  );
}

/** Each running replica set: fixed or autoscaled, how many replicas it has now, the bounds now and what comes next. */
function ScalingStatus({ deployment, variants }: { deployment: Deployment; variants: VariantScaling[] }) {
  return (
    <div className="table-wrap">
      <table className="table table-compact">
        <caption className="visually-hidden">Scaling of each variant now</caption>
        <thead>
          <tr>
            <th scope="col">Variant</th>
            <th scope="col">Scaling</th>
            <th scope="col">Replicas now</th>
            <th scope="col">Bounds now</th>
            <th scope="col">Next scheduled</th>
          </tr>
        </thead>
        <tbody>
          {variants.map((scaling) => {
            const running = deployment.variants.find((v) => v.id === scaling.id);
            return (
              <tr key={scaling.id} aria-label={`Scaling of ${scaling.name}${running ? ` v${running.version.label}` : ''}`}>
                <td>
                  <span className="cell-title">{scaling.name}</span>
                  {running && <span className="muted mono"> v{running.version.label}</span>}
                </td>
                <td>
                  {scaling.autoscaling ? (
                    <>
                      <span className="tag">autoscaled</span> <span className="muted">{describeAutoscaling(scaling.autoscaling)}</span>
                    </>
                  ) : (
                    <span className="tag">fixed</span>
                  )}
                </td>
                <td>
                  <ReplicasNow desired={running?.replicas ?? scaling.desiredReplicas} ready={readyCount(running)} />
                </td>
                <td>
                  <BoundsNow scaling={scaling} />
                </td>
                <td>
                  {scaling.nextTransitions.length > 0 ? (
                    <TransitionList
                      transitions={scaling.nextTransitions}
                      label={`Next scheduled transitions of ${scaling.name}`}
                      autoscalerMax={scaling.autoscaling?.maxReplicas}
                    />
                  ) : (
                    <span className="muted">{scaling.autoscaling ? 'No schedules' : '—'}</span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** The autoscaler's latest decisions (why it scaled, when it slept or woke), newest first. */
function ScalingDecisions({ deployment }: { deployment: Deployment }) {
  const events = useDeploymentEvents(deployment);
  const decisions = (events.data ?? [])
    .filter((e) => e.step === 'autoscale')
    .slice(-3)
    .reverse();
  if (decisions.length === 0) return null;
  return (
    <div className="stack" style={{ gap: 4 }}>
      <span className="label">Latest autoscaler decisions</span>
      <ol className="decisions" aria-label="Autoscaler decisions" aria-live="polite">
        {decisions.map((e) => (
          <li key={e.id} data-level={e.level}>
            <time className="muted" dateTime={e.createdAt}>
              {formatTime(e.createdAt)}
            </time>{' '}
            {e.message}
          </li>
        ))}
      </ol>
    </div>
  );
}

function ScalingForm({ deployment, spec, teamId }: { deployment: Deployment; spec: DeploymentSpec; teamId: string | undefined }) {
  const queryClient = useQueryClient();
  const primary = spec.variants.find((v) => v.role === 'primary') ?? spec.variants[0]!;
  // Untouched, the form follows the target revision; the first edit takes a copy to work on.
  const [variantChoice, setVariantChoice] = useState<string | null>(null);
  const [draftInput, setDraft] = useState<ScalingDraft | null>(null);
  const variant = spec.variants.find((v) => v.name === variantChoice) ?? primary;
  const draft = draftInput ?? draftFromSpec(variant);
  const problems = scalingProblems(draft);
  const update = useDeploymentUpdate(deployment.name);

  const send = (supersede?: boolean) =>
    update.mutate(
      { build: () => toScalingUpdate(variant.name, draft), supersede },
      {
        onSuccess: () => {
          setDraft(null);
          return queryClient.invalidateQueries({ queryKey: usageQueryKey });
        },
      },
    );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    send();
  };
  const sized = spec.variants.map((v) => (v.name === variant.name ? sizeOfDraft(v, draft) : sizeOfSpec(v)));

  return (
    <form className="form form-wide" onSubmit={submit} noValidate aria-label="Scale a variant">
      {spec.variants.length > 1 && (
        <div className="field" style={{ maxWidth: 360 }}>
          <label htmlFor={`${FORM_ID}-variant`}>Variant</label>
          <select
            id={`${FORM_ID}-variant`}
            className="select"
            value={variant.name}
            onChange={(e) => {
              setVariantChoice(e.target.value);
              setDraft(null);
              update.reset();
            }}
          >
            {spec.variants.map((v) => (
              <option key={v.name} value={v.name}>
                {v.name} ({v.role}, {v.autoscaling ? 'autoscaled' : `${v.replicas} fixed`})
              </option>
            ))}
          </select>
        </div>
      )}
      <fieldset className="fieldset stack" style={{ gap: 8 }}>
        <legend className="label">Replicas of {variant.name}</legend>
        <div className="row" style={{ gap: 16 }}>
          <label className="checkbox">
            <input type="radio" name={`${FORM_ID}-mode`} checked={draft.mode === 'fixed'} onChange={() => setDraft({ ...draft, mode: 'fixed' })} />
            Fixed count
          </label>
          <label className="checkbox">
            <input type="radio" name={`${FORM_ID}-mode`} checked={draft.mode === 'autoscale'} onChange={() => setDraft({ ...draft, mode: 'autoscale' })} />
            Autoscale
          </label>
        </div>
        <span className="hint">
          {draft.mode === 'fixed'
            ? `Runs exactly this many replicas${variant.autoscaling ? '; turns the autoscaler off' : ''}.`
            : 'Once a second the autoscaler averages the requests in flight and sets ceil(load ÷ target) replicas within the bounds.'}
        </span>
      </fieldset>
      {draft.mode === 'fixed' ? (
        <div className="field" style={{ maxWidth: 200 }}>
          <label htmlFor={`${FORM_ID}-replicas`}>Replica count</label>
          <input
            id={`${FORM_ID}-replicas`}
            className="input"
            type="number"
            inputMode="numeric"
            min={1}
            max={MAX_REPLICAS}
            value={draft.replicas}
            onChange={(e) => setDraft({ ...draft, replicas: e.target.value })}
          />
        </div>
      ) : (
        <>
          <AutoscalingFields id={FORM_ID} draft={draft} onChange={setDraft} />
          <ScheduleFields
            id={FORM_ID}
            schedules={draft.schedules}
            preview={previewTransitions(draft, Date.now())}
            autoscalerMax={Number(draft.maxReplicas)}
            onChange={(schedules) => setDraft({ ...draft, schedules })}
          />
        </>
      )}
      <div aria-live="polite">
        {problems.length > 0 && (
          <ul className="problems" aria-label="Problems with the scaling">
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        )}
      </div>
      {teamId && <QuotaImpact teamId={teamId} variants={sized} deploymentName={deployment.name} />}
      <UpdateSubmit
        update={update}
        deployment={deployment}
        send={send}
        label="Apply scaling"
        pendingLabel="Applying…"
        onReset={draftInput ? () => setDraft(null) : undefined}
        becomes="the same replicas keep serving while the count changes"
      />
    </form>
  );
}

/** Per variant: a fixed replica count or the autoscaler with Ray Serve's knobs and schedules, and where it stands now. */
export function ScalingCard({ deployment }: { deployment: Deployment }) {
  const scaling = useDeploymentScaling(deployment.name, DEFAULT_SCALING_MINUTES);
  const model = useModel(deployment.model.name);
  const { spec, status } = deployment;
  const notRunning = status === 'stopped' || status === 'stopping' || (status === 'failed' && deployment.stableRevision === null);
  return (
    <section className="card" aria-labelledby="scaling-title">
      <div className="card-header">
        <div>
          <h2 id="scaling-title">Scaling</h2>
          <p>A fixed replica count per variant, or an autoscaler that follows the load, down to zero when idle.</p>
        </div>
      </div>
      {notRunning || !spec ? (
        <div className="card-body">
          <EmptyState compact title="Nothing runs to scale">
            Redeploy this deployment (button at the top of the page); then scale it here.
          </EmptyState>
        </div>
      ) : (
        <>
          <QueryContent query={scaling} loadingLabel="Loading scaling…">
            {(loaded) => <ScalingStatus deployment={deployment} variants={loaded.variants} />}
          </QueryContent>
          <div className="card-body stack">
            <ScalingDecisions deployment={deployment} />
            {deployment.canChange && <ScalingForm deployment={deployment} spec={spec} teamId={model.data?.team.id} />}
          </div>
        </>
      )}
    </section>
  );
}
