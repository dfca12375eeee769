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

/** The parts of a failed `fetch` that say why: undici's "fetch failed" keeps the reason in `cause`. */
interface FetchFailure {
  name?: string;
  message?: string;
  cause?: { code?: string; hostname?: string; message?: string; address?: string; port?: number };
}

const NETWORK_CODES: Record<string, (host: string) => string> = {
  ENOTFOUND: (host) => `DNS: the host name ${host} does not resolve`,
  EAI_AGAIN: (host) => `DNS: looking up ${host} failed for now`,
  ECONNREFUSED: (host) => `connection refused by ${host}: nothing listens there`,
  ECONNRESET: (host) => `${host} closed the connection`,
  EHOSTUNREACH: (host) => `${host} is unreachable from the platform`,
  ENETUNREACH: (host) => `no network route to ${host}`,
  UND_ERR_CONNECT_TIMEOUT: (host) => `timeout: could not connect to ${host}`,
  CERT_HAS_EXPIRED: (host) => `TLS: the certificate of ${host} has expired`,
  DEPTH_ZERO_SELF_SIGNED_CERT: (host) => `TLS: ${host} has a self-signed certificate`,
  ERR_TLS_CERT_ALTNAME_INVALID: (host) => `TLS: the certificate is not for ${host}`,
};

/** Why a webhook post failed, in words a user can act on (status, DNS, refused, timeout, TLS), never just "fetch failed". */
export function deliveryFailure(url: string, failure: { status: number; statusText?: string } | Error, timeoutMs: number): string {
  const host = URL.canParse(url) ? new URL(url).host : url;
  if (!(failure instanceof Error) && typeof failure.status === 'number') {
    return `the webhook answered HTTP ${failure.status}${failure.statusText ? ` ${failure.statusText}` : ''}`;
  }
  const error = failure as FetchFailure & Error;
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return `timeout: ${host} did not answer within ${timeoutMs / 1000} s`;
  const code = error.cause?.code;
  if (code && NETWORK_CODES[code]) return NETWORK_CODES[code](host);
  const detail = error.cause?.message ?? error.message ?? 'unknown error';
  return `could not reach ${host}: ${code ? `${code} ` : ''}${detail}`;
}
