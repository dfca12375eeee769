/** One alert event as a Slack-compatible incoming-webhook body: `text` for chat, structured fields for machines. */
export interface AlertNotification {
  deployment: string;
  ruleId: string;
  kind: string;
  state: 'fired' | 'resolved';
  value: number;
  threshold: number | null;
  message: string;
  at: string;
}

export function slackPayload(n: AlertNotification): { text: string; alert: AlertNotification } {
  const icon = n.state === 'fired' ? ':rotating_light:' : ':white_check_mark:';
  return { text: `${icon} [${n.deployment}] ${n.kind} alert ${n.state}: ${n.message}`, alert: n };
}
