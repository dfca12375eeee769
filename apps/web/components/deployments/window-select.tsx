'use client';

export interface TimeWindow {
  minutes: number;
  label: string;
}

/** Longer windows merge rollups into coarser slots (the APIs return about 60 points). */
export const WINDOWS: TimeWindow[] = [
  { minutes: 5, label: 'Last 5 minutes' },
  { minutes: 15, label: 'Last 15 minutes' },
  { minutes: 60, label: 'Last hour' },
  { minutes: 6 * 60, label: 'Last 6 hours' },
  { minutes: 24 * 60, label: 'Last 24 hours' },
];

/** The time window of a card's chart; each card names its own, so a page with several stays unambiguous. */
export function WindowSelect(props: { id: string; label: string; value: number; onChange: (minutes: number) => void; windows?: TimeWindow[] }) {
  return (
    <div className="row">
      <label className="label" htmlFor={props.id}>
        {props.label}
      </label>
      <select id={props.id} className="select" style={{ width: 'auto' }} value={props.value} onChange={(e) => props.onChange(Number(e.target.value))}>
        {(props.windows ?? WINDOWS).map((w) => (
          <option key={w.minutes} value={w.minutes}>
            {w.label}
          </option>
        ))}
      </select>
    </div>
  );
}
