'use client';

import { useMutation } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api, type RolloutAction } from '@/lib/client/api';
import { formatDuration } from '@/lib/client/format';
import { useDeploymentEvents } from '@/lib/client/queries';
import type { Deployment, DeploymentEvent, Rollout } from '@/lib/client/types';
import { ProgressBar } from '../progress-bar';
import { FormError, QueryContent } from '../states';
import { ConfirmAction } from './confirm-action';
import { useApplyDeployment } from './deployment-mutations';
import { EventsList, RolloutProgress } from './rollout';

const PHASES: Record<Rollout['phase'], string> = {
  starting: 'Starting new replicas',
  shifting: 'Shifting traffic',
  draining: 'Draining old replicas',
};
const STRATEGIES: Record<Rollout['strategy'], string> = { canary: 'Canary', 'blue-green': 'Blue-green' };

/** The clock, ticking every second while `active`: bake times count down without refetching. */
function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

type StepState = 'done' | 'current' | 'upcoming';

interface StepView {
  key: string;
  title: string;
  detail: string;
  state: StepState;
  status: string;
}

/** The current step's status: time left in its bake, or what it waits for once baked. */
function currentStatus(rollout: Rollout, bakeSeconds: number, now: number, waitingForTraffic: boolean): string {
  if (rollout.paused) return 'Paused: holds this step until resumed';
  if (!rollout.stepStartedAt) return 'Starting';
  const left = (new Date(rollout.stepStartedAt).getTime() + bakeSeconds * 1000 - now) / 1000;
  if (left > 0) return `${formatDuration(Math.ceil(left))} left in its bake`;
  return waitingForTraffic ? 'Baked; waiting for traffic to judge it' : 'Baked; checking the guardrails';
}

/** Done up to the current step; after a promote the steps never reached were skipped, not passed. */
function canarySteps(rollout: Rollout, now: number, events: DeploymentEvent[]): StepView[] {
  const stepStart = Date.parse(rollout.stepStartedAt ?? '0');
  const waitingForTraffic = events.some((e) => e.step === 'canary' && e.message.includes('waiting for traffic') && Date.parse(e.createdAt) >= stepStart);
  return rollout.steps.map((step, i) => {
    const promotedAt = rollout.phase === 'draining' && rollout.promoted ? rollout.step : null;
    const state: StepState =
      rollout.phase === 'draining' || (rollout.phase === 'shifting' && i < rollout.step)
        ? 'done'
        : rollout.phase === 'shifting' && i === rollout.step
          ? 'current'
          : 'upcoming';
    const status =
      state === 'current'
        ? currentStatus(rollout, step.bakeSeconds, now, waitingForTraffic)
        : promotedAt !== null && i === promotedAt
          ? 'Promoted during this step'
          : promotedAt !== null && i > promotedAt
            ? 'Skipped (promoted)'
            : state === 'done'
              ? 'Done'
              : 'Upcoming';
    return { key: String(i), title: `Step ${i + 1}: ${step.weight}%`, detail: `bakes ${formatDuration(step.bakeSeconds)}`, state, status };
  });
}

/** Blue-green has no steps, only phases: the same stepper shows them. */
function blueGreenPhases(rollout: Rollout): StepView[] {
  const phases = [
    { title: 'Start new replicas', detail: 'until all are ready' },
    { title: 'Switch traffic', detail: 'in one routing update' },
    { title: 'Drain old replicas', detail: 'in-flight requests finish' },
  ];
  // Traffic switches in the same pass that starts the drain: from starting, it goes straight to draining.
  const at = rollout.phase === 'starting' ? 0 : rollout.phase === 'shifting' ? 1 : 2;
  return phases.map((p, i) => {
    const state: StepState = i < at ? 'done' : i === at ? 'current' : 'upcoming';
    return { key: p.title, ...p, state, status: state === 'done' ? 'Done' : state === 'current' ? 'In progress' : 'Upcoming' };
  });
}

function RolloutStepper({ label, steps }: { label: string; steps: StepView[] }) {
  return (
    <ol className="stepper" aria-label={label}>
      {steps.map((step, i) => (
        <li key={step.key} className="stepper-step" data-state={step.state} aria-current={step.state === 'current' ? 'step' : undefined}>
          <span className="stepper-marker" aria-hidden="true">
            {step.state === 'done' ? '✓' : i + 1}
          </span>
          <span className="stepper-text">
            <span className="stepper-title">{step.title}</span>
            <span className="stepper-detail">{step.detail}</span>
            <span className="stepper-status">{step.status}</span>
          </span>
        </li>
      ))}
    </ol>
  );
}

function PauseResumeButton({ deployment, rollout }: { deployment: Deployment; rollout: Rollout }) {
  const apply = useApplyDeployment(deployment.name);
  const action: RolloutAction = rollout.paused ? 'resume' : 'pause';
  const control = useMutation({ mutationFn: () => api.controlRollout(deployment.name, action), onSuccess: apply });
  return (
    <div className="stack" style={{ gap: 6, alignItems: 'flex-end' }}>
      <button type="button" className="btn" onClick={() => control.mutate()} disabled={control.isPending}>
        {control.isPending ? (rollout.paused ? 'Resuming…' : 'Pausing…') : rollout.paused ? 'Resume' : 'Pause'}
      </button>
      <FormError error={control.error} />
    </div>
  );
}

/** Promote and Abort ask first; Pause only holds the current step, so it does not. */
function RolloutControls({ deployment, rollout }: { deployment: Deployment; rollout: Rollout }) {
  const apply = useApplyDeployment(deployment.name);
  const steering = rollout.strategy === 'canary' && rollout.phase !== 'draining' && !rollout.promoted;
  const back = rollout.fromRevision;
  return (
    <div className="row" style={{ alignItems: 'flex-start', justifyContent: 'flex-end' }}>
      {steering && <PauseResumeButton deployment={deployment} rollout={rollout} />}
      {steering && (
        <ConfirmAction
          tone="accent"
          label="Promote"
          groupLabel="Confirm promote"
          question={`Send all traffic to revision ${rollout.toRevision} now, skipping the remaining steps and their guardrails?`}
          confirmLabel="Promote to 100%"
          pendingLabel="Promoting…"
          action={() => api.controlRollout(deployment.name, 'promote')}
          onDone={apply}
        />
      )}
      {rollout.phase !== 'draining' && (
        <ConfirmAction
          label="Abort"
          groupLabel="Confirm abort"
          question={
            back === null
              ? 'Abort? This is the first revision: nothing older can serve, so the deployment stops.'
              : `Abort and send all traffic back to revision ${back}? Revision ${rollout.toRevision}’s replicas stop.`
          }
          confirmLabel="Abort rollout"
          pendingLabel="Aborting…"
          action={() => api.controlRollout(deployment.name, 'abort')}
          onDone={apply}
        />
      )}
    </div>
  );
}

function RolloutDetails({ deployment, rollout, events }: { deployment: Deployment; rollout: Rollout; events: DeploymentEvent[] }) {
  const now = useNow(rollout.phase === 'shifting' && !rollout.paused);
  const from = rollout.fromRevision;
  return (
    <>
      <dl className="meta">
        <div>
          <dt>Strategy</dt>
          <dd>{STRATEGIES[rollout.strategy]}</dd>
        </div>
        <div>
          <dt>Phase</dt>
          <dd>{PHASES[rollout.phase]}</dd>
        </div>
        {rollout.strategy === 'canary' && (
          <div>
            <dt>Step</dt>
            <dd>
              {rollout.step < 0 ? `not started (of ${rollout.steps.length})` : `${Math.min(rollout.step + 1, rollout.steps.length)} of ${rollout.steps.length}`}
            </dd>
          </div>
        )}
        <div>
          <dt>Revision</dt>
          <dd>{from === null ? `${rollout.toRevision} (first)` : `${from} → ${rollout.toRevision}`}</dd>
        </div>
      </dl>
      <ProgressBar
        label="Traffic on the new revision"
        value={rollout.trafficPercent}
        caption={`${rollout.trafficPercent}% of requests go to revision ${rollout.toRevision}`}
        detail={from === null ? undefined : `${100 - rollout.trafficPercent}% stay on revision ${from}`}
      />
      {rollout.strategy === 'canary' ? (
        <RolloutStepper label="Canary steps" steps={canarySteps(rollout, now, events)} />
      ) : (
        <RolloutStepper label="Blue-green phases" steps={blueGreenPhases(rollout)} />
      )}
      <RolloutProgress deployment={deployment} events={events} />
    </>
  );
}

function headline(deployment: Deployment): string {
  const { rollout } = deployment;
  if (rollout) return `Revision ${rollout.toRevision} is rolling out${rollout.fromRevision === null ? '' : ` over revision ${rollout.fromRevision}`}.`;
  if (deployment.status === 'ready') return `Revision ${deployment.revision} is live.`;
  if (deployment.status === 'failed') return `Revision ${deployment.revision} failed to roll out.`;
  if (deployment.status === 'stopped') return 'Stopped: nothing is serving.';
  return `Revision ${deployment.revision}.`;
}

/** The rollout in progress, step by step and controllable; otherwise how the last one went. */
export function RolloutCard({ deployment }: { deployment: Deployment }) {
  const events = useDeploymentEvents(deployment);
  const { rollout } = deployment;
  return (
    <section className="card" aria-labelledby="rollout-title">
      <div className="card-header">
        <div>
          <div className="row">
            <h2 id="rollout-title">Rollout</h2>
            {rollout?.paused && (
              <span className="badge" data-tone="amber" role="status" aria-label="Rollout paused">
                Paused
              </span>
            )}
            {rollout?.promoted && (
              <span className="badge" data-tone="blue">
                Promoted
              </span>
            )}
          </div>
          <p>{headline(deployment)}</p>
        </div>
        {rollout && deployment.canChange && <RolloutControls deployment={deployment} rollout={rollout} />}
      </div>
      <QueryContent query={events} loadingLabel="Loading events…">
        {(list) => (
          <>
            <div className="card-body stack">
              {rollout ? <RolloutDetails deployment={deployment} rollout={rollout} events={list} /> : <RolloutProgress deployment={deployment} events={list} />}
            </div>
            <EventsList events={list} />
          </>
        )}
      </QueryContent>
    </section>
  );
}
