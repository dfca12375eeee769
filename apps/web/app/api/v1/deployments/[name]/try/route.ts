import { webEnv } from '@/lib/server/env';
import { findDeployment } from '@/lib/server/deployments';
import { ApiError } from '@/lib/server/errors';
import { route } from '@/lib/server/route';

/** The console's "try it": forwards the body through the gateway, like any client would. */
export const POST = route<{ name: string }>({}, async ({ req, user, params }) => {
  await findDeployment(user, params.name, 'viewer');
  const env = webEnv();
  if (!env.SLIPWAY_INTERNAL_TOKEN) throw new ApiError('gateway_unavailable', 'SLIPWAY_INTERNAL_TOKEN is not configured');
  const body = await req.text();
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
  const latencyMs = performance.now() - started;
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON: show it as text.
  }
  return { status: response.status, latencyMs: Math.round(latencyMs * 100) / 100, body: parsed };
});
