import type { AlertDelivery, AlertEventView, AlertKind, AlertRuleView } from '@slipway/core';
import type { AlertEvent, AlertRule } from '@slipway/db';
import { z } from 'zod';
import { serverContext } from './context';
import { notFound } from './errors';

/** Enough for every signal of a deployment several times over; beyond, evaluation cost grows with no benefit. */
export const MAX_ALERT_RULES_PER_DEPLOYMENT = 50;

export function toRuleView(row: AlertRule): AlertRuleView {
  return {
    id: row.id,
    kind: row.kind as AlertKind,
    threshold: row.threshold,
    feature: row.feature,
    windowSeconds: row.windowSeconds,
    cooldownSeconds: row.cooldownSeconds,
    enabled: row.enabled,
    webhookUrl: row.webhookUrl,
    state: row.firing ? 'firing' : 'ok',
    lastFiredAt: row.lastFiredAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toEventView(row: AlertEvent): AlertEventView {
  return {
    id: row.id,
    ruleId: row.ruleId,
    kind: row.kind,
    state: row.state === 'fired' ? 'fired' : 'resolved',
    value: row.value,
    threshold: row.threshold,
    message: row.message,
    at: row.at.toISOString(),
    delivery: row.delivery as AlertDelivery,
    deliveryAttempts: row.deliveryAttempts,
    deliveryError: row.deliveryError,
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
  };
}

const uuid = z.uuid();

/** One of the deployment's rules; an id that is not a UUID or names another deployment's rule is simply not found. */
export async function findRule(deploymentId: string, id: string): Promise<AlertRule> {
  const rule = uuid.safeParse(id).success ? await serverContext().db.alertRule.findFirst({ where: { id, deploymentId } }) : null;
  if (!rule) throw notFound(`alert rule '${id}'`);
  return rule;
}
