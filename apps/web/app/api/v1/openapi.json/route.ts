import { controlPlaneOpenApi } from '@/lib/server/control-plane-openapi';
import { API } from '@/lib/server/api-catalogue';
import { route } from '@/lib/server/route';

/** The address the caller used (behind a proxy, what it forwarded), for the document's `servers`. */
function callerOrigin(req: Request): string {
  const url = new URL(req.url);
  const host = req.headers.get('x-forwarded-host') ?? req.headers.get('host') ?? url.host;
  const proto = req.headers.get('x-forwarded-proto')?.split(',')[0]?.trim() ?? url.protocol.replace(/:$/, '');
  return `${proto}://${host}`;
}

/** The control plane's own OpenAPI 3.1 document, generated from the routes' zod schemas. */
export const GET = route(API.getOpenApi, async ({ req }) => controlPlaneOpenApi(callerOrigin(req)));
