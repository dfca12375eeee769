'use client';

import { MAX_REPLICAS, MAX_SCHEDULES } from '@slipway/core';
import { useMemo, useRef, useState } from 'react';
import type { ScalingTransition } from '@/lib/client/types';
import { newSchedule, type ScheduleDraft } from './scaling-draft';
import { TransitionList } from './scaling-transitions';

/** The browser's IANA time zones by region (UTC first), for the time-zone lists. */
function useTimeZones(): [string, string[]][] {
  return useMemo(() => {
    let zones: string[];
    try {
      zones = Intl.supportedValuesOf('timeZone');
    } catch {
      zones = [];
    }
    const regions = new Map<string, string[]>([['UTC', ['UTC']]]);
    for (const zone of zones) {
      if (zone === 'UTC') continue;
      const region = zone.includes('/') ? zone.slice(0, zone.indexOf('/')) : 'Other';
      regions.set(region, [...(regions.get(region) ?? []), zone]);
    }
    return [...regions];
  }, []);
}

/** A list of every time zone, grouped by region; typing its first letters finds one (Europe/P…). */
function TimeZoneSelect({ id, value, timeZones, onChange }: { id: string; value: string; timeZones: [string, string[]][]; onChange: (zone: string) => void }) {
  const known = timeZones.some(([, zones]) => zones.includes(value));
  return (
    <select id={id} className="select" value={value} onChange={(e) => onChange(e.target.value)}>
      {!known && <option value={value}>{value}</option>}
      {timeZones.map(([region, zones]) => (
        <optgroup key={region} label={region}>
          {zones.map((zone) => (
            <option key={zone} value={zone}>
              {zone.replaceAll('_', ' ')}
            </option>
          ))}
        </optgroup>
      ))}
    </select>
  );
}

function ScheduleRow({
  id,
  row,
  index,
  autoFocus,
  onChange,
  onRemove,
  timeZones,
}: {
  id: string;
  timeZones: [string, string[]][];
  row: ScheduleDraft;
  index: number;
  autoFocus: boolean;
  onChange: (change: Partial<ScheduleDraft>) => void;
  onRemove: () => void;
}) {
  const n = index + 1;
  const field = (name: string) => `${id}-schedule-${index}-${name}`;
  return (
    <tr>
      <td>
        <label className="visually-hidden" htmlFor={field('cron')}>
          Schedule {n} cron
        </label>
        <input
          id={field('cron')}
          className="input mono"
          value={row.cron}
          placeholder="0 8 * * 1-5"
          autoComplete="off"
          spellCheck={false}
          autoFocus={autoFocus}
          onChange={(e) => onChange({ cron: e.target.value })}
        />
      </td>
      <td>
        <label className="visually-hidden" htmlFor={field('zone')}>
          Schedule {n} time zone
        </label>
        <TimeZoneSelect id={field('zone')} value={row.timeZone} timeZones={timeZones} onChange={(timeZone) => onChange({ timeZone })} />
      </td>
      <td>
        <label className="visually-hidden" htmlFor={field('min')}>
          Schedule {n} min replicas
        </label>
        <input
          id={field('min')}
          className="input"
          type="number"
          inputMode="numeric"
          min={0}
          max={MAX_REPLICAS}
          value={row.minReplicas}
          onChange={(e) => onChange({ minReplicas: e.target.value })}
        />
      </td>
      <td>
        <label className="visually-hidden" htmlFor={field('max')}>
          Schedule {n} max replicas
        </label>
        <input
          id={field('max')}
          className="input"
          type="number"
          inputMode="numeric"
          min={1}
          max={MAX_REPLICAS}
          value={row.maxReplicas}
          placeholder="max"
          onChange={(e) => onChange({ maxReplicas: e.target.value })}
        />
      </td>
      <td className="actions">
        <button type="button" className="btn btn-sm btn-ghost" aria-label={`Remove schedule ${n}`} onClick={onRemove}>
          Remove
        </button>
      </td>
    </tr>
  );
}

/**
 * Cron entries that move the autoscaler's bounds for a period (office hours up, nights down), with a
 * preview of the next transitions as typed.
 */
export function ScheduleFields({
  id,
  schedules,
  preview,
  autoscalerMax,
  onChange,
}: {
  id: string;
  schedules: ScheduleDraft[];
  /** The drafted max replicas: a transition to it reads "min 2" alone. */
  autoscalerMax?: number;
  /** null while the draft has problems. */
  preview: ScalingTransition[] | null;
  onChange: (schedules: ScheduleDraft[]) => void;
}) {
  const timeZones = useTimeZones();
  const [added, setAdded] = useState<string | null>(null);
  const addButton = useRef<HTMLButtonElement>(null);
  const edit = (key: string, change: Partial<ScheduleDraft>) => onChange(schedules.map((s) => (s.key === key ? { ...s, ...change } : s)));
  const add = () => {
    const row = newSchedule();
    setAdded(row.key);
    onChange([...schedules, row]);
  };
  const remove = (key: string) => {
    onChange(schedules.filter((s) => s.key !== key));
    // The row and its button are gone: keep the keyboard user's place.
    addButton.current?.focus();
  };
  return (
    <fieldset className="fieldset stack" style={{ gap: 8 }}>
      <legend className="label">Schedules</legend>
      <span className="hint">
        From each cron fire (in its time zone) until the next entry’s, the entry’s min and max replace the bounds above, e.g. 0 8 * * 1-5 with min 2 for office
        hours and 0 18 * * 1-5 with min 0 for the night. An empty max keeps max replicas.
      </span>
      {schedules.length > 0 && (
        <div className="table-wrap">
          <table className="table table-compact schedule-rows">
            <caption className="visually-hidden">Scaling schedules</caption>
            <thead>
              <tr>
                <th scope="col">Cron</th>
                <th scope="col">Time zone</th>
                <th scope="col">Min replicas</th>
                <th scope="col">Max replicas</th>
                <th scope="col" className="actions">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {schedules.map((row, index) => (
                <ScheduleRow
                  key={row.key}
                  id={id}
                  row={row}
                  index={index}
                  autoFocus={row.key === added}
                  onChange={(change) => edit(row.key, change)}
                  onRemove={() => remove(row.key)}
                  timeZones={timeZones}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div className="row" style={{ justifyContent: 'space-between' }}>
        {preview && preview.length > 0 ? (
          <span className="hint">
            Next, in your time: <TransitionList transitions={preview} label="Next transitions of the drafted schedules" autoscalerMax={autoscalerMax} />
          </span>
        ) : (
          <span />
        )}
        <button ref={addButton} type="button" className="btn btn-sm" disabled={schedules.length >= MAX_SCHEDULES} onClick={add}>
          Add schedule
        </button>
      </div>
    </fieldset>
  );
}
