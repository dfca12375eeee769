'use client';

import { MAX_REPLICAS } from '@slipway/core';

/** How a new deployment is sized: a fixed count, or autoscaled between bounds (min 0 sleeps when idle). */
export interface DeployScaling {
  mode: 'fixed' | 'autoscale';
  minReplicas: string;
  maxReplicas: string;
}

export const INITIAL_DEPLOY_SCALING: DeployScaling = { mode: 'fixed', minReplicas: '1', maxReplicas: '3' };

const whole = (text: string, min: number) => /^\d+$/.test(text.trim()) && Number(text) >= min && Number(text) <= MAX_REPLICAS;

/** The API's `autoscaling` (other knobs at their defaults) or none; throws what the user must fix first. */
export function autoscalingOf(scaling: DeployScaling): { minReplicas: number; maxReplicas: number } | undefined {
  if (scaling.mode === 'fixed') return undefined;
  if (!whole(scaling.minReplicas, 0)) throw new Error(`Min replicas must be a whole number from 0 to ${MAX_REPLICAS}.`);
  if (!whole(scaling.maxReplicas, 1)) throw new Error(`Max replicas must be a whole number from 1 to ${MAX_REPLICAS}.`);
  if (Number(scaling.minReplicas) > Number(scaling.maxReplicas)) throw new Error('Min replicas must not be above max replicas.');
  return { minReplicas: Number(scaling.minReplicas), maxReplicas: Number(scaling.maxReplicas) };
}

/** Fixed or autoscaled, with scale to zero as a checkbox (it sets min replicas to 0). */
export function DeployScalingFields({ scaling, onChange }: { scaling: DeployScaling; onChange: (scaling: DeployScaling) => void }) {
  const set = (patch: Partial<DeployScaling>) => onChange({ ...scaling, ...patch });
  const toZero = scaling.minReplicas.trim() === '0';
  return (
    <fieldset className="fieldset stack" style={{ gap: 8 }}>
      <legend className="label">Scaling</legend>
      <div className="row">
        <label className="checkbox">
          <input type="radio" name="deploy-scaling" checked={scaling.mode === 'fixed'} onChange={() => set({ mode: 'fixed' })} />
          Fixed number of replicas
        </label>
        <label className="checkbox">
          <input type="radio" name="deploy-scaling" checked={scaling.mode === 'autoscale'} onChange={() => set({ mode: 'autoscale' })} />
          Autoscale with traffic
        </label>
      </div>
      {scaling.mode === 'autoscale' && (
        <>
          <div className="form-row">
            <div className="field" style={{ flex: '1 1 110px' }}>
              <label htmlFor="deploy-min-replicas">Min replicas</label>
              <input
                id="deploy-min-replicas"
                className="input"
                type="number"
                inputMode="numeric"
                min={0}
                max={MAX_REPLICAS}
                value={scaling.minReplicas}
                onChange={(e) => set({ minReplicas: e.target.value })}
              />
            </div>
            <div className="field" style={{ flex: '1 1 110px' }}>
              <label htmlFor="deploy-max-replicas">Max replicas</label>
              <input
                id="deploy-max-replicas"
                className="input"
                type="number"
                inputMode="numeric"
                min={1}
                max={MAX_REPLICAS}
                value={scaling.maxReplicas}
                onChange={(e) => set({ maxReplicas: e.target.value })}
              />
            </div>
          </div>
          <label className="checkbox">
            <input type="checkbox" checked={toZero} onChange={(e) => set({ minReplicas: e.target.checked ? '0' : '1' })} />
            Scale to zero when idle
          </label>
          <span className="hint">
            {toZero
              ? 'With no traffic for 5 minutes it stops every replica and costs nothing; the next request waits for a cold start.'
              : 'It keeps at least the min running and adds replicas up to the max as requests queue.'}{' '}
            Tune the timing and schedules later on the deployment’s Scaling card.
          </span>
        </>
      )}
    </fieldset>
  );
}
