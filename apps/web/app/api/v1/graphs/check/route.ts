import { API } from '@/lib/server/api-catalogue';
import { serverContext } from '@/lib/server/context';
import { typeCheck, typeCheckRefusal } from '@/lib/server/graphs';
import { route } from '@/lib/server/route';

/** The console's editor checks as the user types: the graph's outputs, or each refused edge. */
export const POST = route(API.checkGraph, async ({ body }) => {
  const { errors, outputs } = await typeCheck(serverContext().db, body.spec);
  if (errors.length > 0) return typeCheckRefusal(errors);
  return { ok: true, outputs };
});
