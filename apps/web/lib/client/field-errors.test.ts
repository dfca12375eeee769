import { plainIssues } from '@slipway/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fieldLabel, problemFor, summaryOf } from './field-errors';

const refusal = (fields: { field: string; message: string }[]) => Object.assign(new Error('validation_error'), { fields });

describe('plain field problems', () => {
  it('turns zod issues into one plain sentence per field, a refinement winning over the generic one', () => {
    const schema = z.object({
      vcpuQuota: z.number().positive(),
      webhookUrl: z
        .string()
        .url()
        .refine((u) => /^https?:/.test(u), 'the webhook must be an http(s) URL'),
      replicas: z.number().int().min(1),
      kind: z.enum(['drift', 'error_rate']),
      name: z.string().min(1),
    });
    const result = schema.safeParse({ vcpuQuota: 0, webhookUrl: 'ftp:/x', replicas: 1.5, kind: 'p50', name: '' });
    expect(plainIssues(result.error!.issues)).toEqual([
      { field: 'vcpuQuota', message: 'Enter a number greater than 0.' },
      { field: 'webhookUrl', message: 'The webhook must be an http(s) URL.' },
      { field: 'replicas', message: 'Enter a whole number.' },
      { field: 'kind', message: 'Choose one of: drift, error_rate.' },
      { field: 'name', message: 'This field is required.' },
    ]);
  });

  it('says a missing field is required, and names unknown fields on the whole body', () => {
    const result = z.object({ machineType: z.string() }).strict().safeParse({ extra: 1 });
    expect(plainIssues(result.error!.issues)).toEqual([
      { field: 'machineType', message: 'This field is required.' },
      { field: '', message: 'Remove the unknown field extra.' },
    ]);
  });
});

describe('field errors in forms', () => {
  const error = refusal([
    { field: 'vcpuQuota', message: 'Enter a number greater than 0.' },
    { field: 'autoscaling.schedules.0.timeZone', message: "'Mars/Base' is not a time zone." },
  ]);

  it('finds a field by its path or the last segment of a nested path', () => {
    expect(problemFor(error, 'vcpuQuota')).toBe('Enter a number greater than 0.');
    expect(problemFor(error, 'timeZone')).toBe("'Mars/Base' is not a time zone.");
    expect(problemFor(error, 'replicas')).toBeUndefined();
  });

  it('lists under the form only what no field shows, with the field named as a person would', () => {
    expect(summaryOf(error, ['vcpuQuota'])).toEqual(["Time zone (schedule 1): 'Mars/Base' is not a time zone."]);
    expect(summaryOf(error, ['vcpuQuota', 'timeZone'])).toEqual(['Fix the marked fields.']);
    expect(summaryOf(new Error('conflict'), [])).toBeNull();
    expect(fieldLabel('memoryQuotaMb')).toBe('Memory quota');
    expect(fieldLabel('lookBackSeconds')).toBe('Look back seconds');
  });
});
