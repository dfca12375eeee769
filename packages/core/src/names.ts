import { z } from 'zod';

/** Model and deployment names appear in URLs and process names: lowercase slugs. */
export const resourceNameSchema = z
  .string()
  .min(2, 'must be at least 2 characters')
  .max(63, 'must be at most 63 characters')
  .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, 'use lowercase letters, digits and dashes, starting and ending with a letter or digit');
