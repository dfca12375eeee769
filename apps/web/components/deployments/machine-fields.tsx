'use client';

import { MAX_REPLICAS } from '@slipway/core';
import { describeMachine } from '@/lib/client/format';
import type { MachineType } from '@/lib/client/types';

/** Throws what the user must fix when `count` is not a replica count the API accepts for a fixed size. */
export function assertReplicaCount(count: number): void {
  if (!Number.isInteger(count) || count < 1 || count > MAX_REPLICAS) throw new Error(`Replicas must be a whole number from 1 to ${MAX_REPLICAS}.`);
}

/** Whether this platform's driver can place the type (the catalog's list says; older answers claim nothing). */
export const isPlaceable = (m: MachineType) => m.placement?.available !== false;

/** The type to preselect: the chosen one, else the first this platform can place. */
export function defaultMachine(machineTypes: MachineType[], chosen: string | null): MachineType | undefined {
  return machineTypes.find((m) => m.name === chosen) ?? machineTypes.find(isPlaceable) ?? machineTypes[0];
}

/** Why the platform cannot place some types: said before the click, not after Deploy fails. */
function UnavailableHint({ id, machineTypes }: { id: string; machineTypes: MachineType[] }) {
  const unavailable = machineTypes.filter((m) => !isPlaceable(m));
  if (unavailable.length === 0) return null;
  const reasons = [...new Set(unavailable.map((m) => m.placement?.reason ?? 'This platform cannot place it.'))];
  return (
    <span id={id} className="hint">
      Unavailable here: {unavailable.map((m) => m.name).join(', ')}. {reasons.join(' ')}
    </span>
  );
}

/** Machine type and replica count side by side, as the deploy and update forms ask for them; `id` prefixes the inputs' ids. */
export function MachineFields({
  id,
  machineTypes,
  machine,
  onMachine,
  replicas,
  onReplicas,
  showReplicas = true,
}: {
  id: string;
  machineTypes: MachineType[];
  machine: MachineType | undefined;
  onMachine: (name: string) => void;
  /** As typed, so a half-typed number is not rewritten under the cursor. */
  replicas: string;
  onReplicas: (input: string) => void;
  /** False when the autoscaler sets the count. */
  showReplicas?: boolean;
}) {
  return (
    <div className="form-row">
      <div className="field" style={{ flex: '3 1 260px' }}>
        <label htmlFor={`${id}-machine`}>Machine type</label>
        <select
          id={`${id}-machine`}
          className="select"
          value={machine?.name ?? ''}
          onChange={(e) => onMachine(e.target.value)}
          aria-describedby={`${id}-machine-unavailable`}
        >
          {machineTypes.map((m) => (
            <option key={m.id} value={m.name} disabled={!isPlaceable(m) && m.name !== machine?.name}>
              {describeMachine(m)}
              {isPlaceable(m) ? '' : ' (unavailable here)'}
            </option>
          ))}
        </select>
        <UnavailableHint id={`${id}-machine-unavailable`} machineTypes={machineTypes} />
      </div>
      {showReplicas && (
        <div className="field" style={{ flex: '1 1 100px' }}>
          <label htmlFor={`${id}-replicas`}>Replicas</label>
          <input
            id={`${id}-replicas`}
            className="input"
            type="number"
            inputMode="numeric"
            min={1}
            max={MAX_REPLICAS}
            value={replicas}
            onChange={(e) => onReplicas(e.target.value)}
          />
        </div>
      )}
    </div>
  );
}
