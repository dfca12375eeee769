import { webEnv } from '@/lib/server/env';
import { findDeployment } from '@/lib/server/deployments';
import { ApiError } from '@/lib/server/errors';
import { API } from '@/lib/server/api-catalogue';
import { readJsonText, route } from '@/lib/server/route';

/**
 * The console's "try it": forwards the body through the gateway, like any client would, and answers
 * with the gateway's status and body; `Server-Timing: gateway;dur=<ms>` tells it from the web's own errors.
 */
export const POST = route(API.tryDeployment, async ({ req, user, params }) => {
  await findDeployment(user, params.name, 'viewer');
  const env = webEnv();
  if (!env.SLIPWAY_INTERNAL_TOKEN) throw new ApiError('gateway_unavailable', 'SLIPWAY_INTERNAL_TOKEN is not configured');
  const body = await readJsonText(req);
  const started = performance.now();
  let response: Response;
  try {
    response = await fetch(`${(env.SLIPWAY_GATEWAY_INTERNAL_URL ?? env.SLIPWAY_GATEWAY_URL).replace(/\/$/, '')}/models/${params.name}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${env.SLIPWAY_INTERNAL_TOKEN}` },
      body,
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new ApiError('gateway_unavailable', `the gateway did not answer: ${error instanceof Error ? error.message : error}`);
  }
  const text = await response.text();
  const latencyMs = Math.round((performance.now() - started) * 100) / 100;
  const headers = new Headers({ 'content-type': response.headers.get('content-type') ?? 'text/plain', 'server-timing': `gateway;dur=${latencyMs}` });
  // Which variant answered, and when to retry, as the gateway said.
  for (const name of ['retry-after', 'x-slipway-variant']) {
    const value = response.headers.get(name);
    if (value) headers.set(name, value);
  }
  return new Response(text, { status: response.status, headers });
});
