'use client';

import { useEffect, useRef } from 'react';
import { formatTime } from '@/lib/client/format';
import { rolloutCaption, rolloutProgress } from '@/lib/client/rollout-events';
import type { Deployment, DeploymentEvent } from '@/lib/client/types';
import { ProgressBar } from '../progress-bar';
import { EmptyState } from '../states';

export function RolloutProgress({ deployment, events }: { deployment: Deployment; events: DeploymentEvent[] }) {
  const percent = Math.round(rolloutProgress(events) * 100);
  const tone = deployment.status === 'failed' ? 'red' : deployment.status === 'ready' ? 'green' : undefined;
  return (
    <ProgressBar
      label="Rollout progress"
      value={percent}
      tone={tone}
      caption={rolloutCaption(events) ?? 'Waiting for the worker to pick up the rollout…'}
      detail={`${percent}%`}
    />
  );
}

/** Oldest first, like a log; keeps the newest event in view as events arrive. */
export function EventsList({ events }: { events: DeploymentEvent[] }) {
  const list = useRef<HTMLOListElement>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: scrolls again whenever an event arrives.
  useEffect(() => {
    list.current?.scrollTo({ top: list.current.scrollHeight });
  }, [events.length]);

  if (events.length === 0) {
    return (
      <EmptyState compact title="No events yet">
        Rollout steps appear here as they happen.
      </EmptyState>
    );
  }
  return (
    <ol ref={list} className="events" aria-label="Rollout events" aria-live="polite">
      {events.map((event) => (
        <li key={event.id} className="event" data-level={event.level}>
          <time className="event-time" dateTime={event.createdAt}>
            {formatTime(event.createdAt)}
          </time>
          <span className="event-dot" aria-hidden="true" />
          <span>
            <span className="event-step">{event.step}</span>
            {event.level !== 'info' && <span className="visually-hidden">{event.level}: </span>}
            {event.message}
          </span>
        </li>
      ))}
    </ol>
  );
}
