'use client';

import { MAX_REPLICAS } from '@slipway/core';
import { describeMachine } from '@/lib/client/format';
import type { MachineType } from '@/lib/client/types';

/** Throws what the user must fix when `count` is not a replica count the API accepts for a fixed size. */
export function assertReplicaCount(count: number): void {
  if (!Number.isInteger(count) || count < 1 || count > MAX_REPLICAS) throw new Error(`Replicas must be a whole number from 1 to ${MAX_REPLICAS}.`);
}

/** Machine type and replica count side by side, as the deploy and update forms ask for them; `id` prefixes the inputs' ids. */
export function MachineFields({
  id,
  machineTypes,
  machine,
  onMachine,
  replicas,
  onReplicas,
}: {
  id: string;
  machineTypes: MachineType[];
  machine: MachineType | undefined;
  onMachine: (name: string) => void;
  /** As typed, so a half-typed number is not rewritten under the cursor. */
  replicas: string;
  onReplicas: (input: string) => void;
}) {
  return (
    <div className="form-row">
      <div className="field" style={{ flex: '3 1 260px' }}>
        <label htmlFor={`${id}-machine`}>Machine type</label>
        <select id={`${id}-machine`} className="select" value={machine?.name ?? ''} onChange={(e) => onMachine(e.target.value)}>
          {machineTypes.map((m) => (
            <option key={m.id} value={m.name}>
              {describeMachine(m)}
            </option>
          ))}
        </select>
      </div>
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
    </div>
  );
}
