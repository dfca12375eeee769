import { controlPlaneOpenApi } from '@/lib/server/control-plane-openapi';
import { route } from '@/lib/server/route';

/** The control plane's own OpenAPI 3.1 document, generated from the routes' zod schemas. */
export const GET = route({ auth: 'public' }, async ({ req }) => controlPlaneOpenApi(new URL(req.url).origin));
