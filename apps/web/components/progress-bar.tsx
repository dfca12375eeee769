import type { ReactNode } from 'react';

/** A labelled progressbar; `value` is a percentage. */
export function ProgressBar({
  label,
  value,
  tone,
  caption,
  detail,
}: {
  label: string;
  value: number;
  tone?: 'green' | 'red';
  caption?: ReactNode;
  detail?: ReactNode;
}) {
  const percent = Math.max(0, Math.min(100, Math.round(value)));
  return (
    <div className="progress" data-tone={tone}>
      <div
        className="progress-track"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={`${percent}%`}
      >
        <div className="progress-fill" style={{ width: `${percent}%` }} />
      </div>
      {(caption || detail) && (
        <div className="progress-caption">
          <span>{caption}</span>
          <span>{detail}</span>
        </div>
      )}
    </div>
  );
}
