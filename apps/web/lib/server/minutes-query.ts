import { z } from 'zod';

/** `?minutes=`: how far back a chart of a deployment looks, from a minute to a week (an hour unless given). */
export const minutesQuerySchema = z.object({
  minutes: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .default(60),
});
