import type { AlertRuleFields } from './rules';
import type { AlertNotification } from './webhook';

/** How an event's webhook delivery went: no webhook, queued, failed and retried, delivered, or out of attempts. */
export type AlertDelivery = 'none' | 'pending' | 'retrying' | 'delivered' | 'failed';

/** A rule as the API answers it (`GET /deployments/{name}/alerts`). */
export interface AlertRuleView extends AlertRuleFields {
  id: string;
  /** Firing since its last `fired` event and not resolved yet. */
  state: 'ok' | 'firing';
  lastFiredAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** One firing or resolving (`GET /deployments/{name}/alerts/history`), newest first. */
export interface AlertEventView extends Omit<AlertNotification, 'deployment' | 'ruleId'> {
  id: string;
  /** null once the rule was deleted; the event stays. */
  ruleId: string | null;
  delivery: AlertDelivery;
  deliveryAttempts: number;
  deliveryError: string | null;
  deliveredAt: string | null;
}

export interface AlertHistoryPage {
  events: AlertEventView[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}
