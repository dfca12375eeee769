import { z } from 'zod';

/** The largest value of a Postgres `integer` column (version labels, revision numbers). */
export const MAX_INT4 = 2_147_483_647;

/**
 * What each path parameter of the control plane may be, by its name in the catalogue's paths: a value outside
 * these names nothing that can exist (404), and is refused before any query.
 */
export const PATH_PARAMS = {
  /** A model, deployment or machine type: names are at most 63 characters; older ones are still found. */
  name: z.string().min(1, 'must not be empty').max(255, 'is too long'),
  /** A version: `3` or `v3`, within an `integer` column. */
  label: z
    .string()
    .regex(/^v?\d{1,10}$/, 'must be a version number, e.g. 3 or v3')
    .refine((label) => Number(label.replace(/^v/, '')) <= MAX_INT4, `must be at most ${MAX_INT4}`),
  /** Rows keyed by a UUID: API keys, teams, alert rules. */
  id: z.uuid('must be a UUID'),
} as const;

export type PathParamName = keyof typeof PATH_PARAMS;

/** `{name}`, `{label}`… of an OpenAPI path, in order. */
export function pathParamNames(path: string): string[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
}

/** The zod object a path's parameters are checked with (strings, as the router decodes them). */
export function pathParamsSchema(path: string): z.ZodObject | undefined {
  const names = pathParamNames(path);
  if (names.length === 0) return undefined;
  return z.object(
    Object.fromEntries(
      names.map((name) => {
        if (!Object.hasOwn(PATH_PARAMS, name)) throw new Error(`path parameter {${name}} of ${path} has no schema in PATH_PARAMS`);
        return [name, PATH_PARAMS[name as PathParamName]];
      }),
    ),
  );
}
