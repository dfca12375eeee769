import type { z } from 'zod';

/** One field's problem in words a person reads on the form: `field` is the dotted path ('' for the whole body). */
export interface FieldProblem {
  field: string;
  message: string;
}

type Issue = z.core.$ZodIssue;

const count = (n: number | bigint, one: string, many = `${one}s`) => `${n} ${Number(n) === 1 ? one : many}`;

/** A schema's own message (a refinement's): already words, made a sentence. */
export function asSentence(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return trimmed;
  const first = trimmed[0]!.toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(first) ? first : `${first}.`;
}

function tooSmall(issue: Extract<Issue, { code: 'too_small' }>): string {
  const { minimum: min, inclusive } = issue;
  if (issue.origin === 'string') return Number(min) <= 1 ? 'This field is required.' : `Enter at least ${count(min, 'character')}.`;
  if (issue.origin === 'array' || issue.origin === 'set') return `Add at least ${count(min, 'item')}.`;
  return inclusive ? `Enter ${min} or more.` : `Enter a number greater than ${min}.`;
}

function tooBig(issue: Extract<Issue, { code: 'too_big' }>): string {
  const { maximum: max, inclusive } = issue;
  if (issue.origin === 'string') return `Use at most ${count(max, 'character')}.`;
  if (issue.origin === 'array' || issue.origin === 'set') return `Use at most ${count(max, 'item')}.`;
  return inclusive ? `Enter ${max} or less.` : `Enter a number less than ${max}.`;
}

const EXPECTED: Record<string, string> = {
  int: 'Enter a whole number.',
  number: 'Enter a number.',
  string: 'Enter some text.',
  boolean: 'Choose yes or no.',
  array: 'Give a list.',
  object: 'Give an object of named fields.',
};

function invalidType(issue: Extract<Issue, { code: 'invalid_type' }>): string {
  // zod words a missing field as "received undefined"; the issue carries no input unless asked to.
  if (/received undefined/.test(issue.message)) return 'This field is required.';
  if (/received null/.test(issue.message)) return 'This field cannot be empty.';
  return EXPECTED[issue.expected] ?? `Enter a value of type ${issue.expected}.`;
}

const FORMATS: Record<string, string> = {
  url: 'Enter a full address starting with http:// or https://.',
  email: 'Enter an email address, like name@example.com.',
  uuid: 'This is not a valid id.',
  datetime: 'Enter a date and time, like 2026-12-07T09:00:00Z.',
  date: 'Enter a date, like 2026-12-07.',
};

function invalidFormat(issue: Extract<Issue, { code: 'invalid_format' }>): string {
  if (issue.format === 'regex') return 'This contains characters or a shape that is not allowed here.';
  return FORMATS[issue.format] ?? `Enter a valid ${issue.format}.`;
}

function generated(issue: Issue): string {
  switch (issue.code) {
    case 'too_small':
      return tooSmall(issue);
    case 'too_big':
      return tooBig(issue);
    case 'invalid_type':
      return invalidType(issue);
    case 'invalid_format':
      return invalidFormat(issue);
    case 'invalid_value':
      return issue.values.length === 1 ? `Must be ${String(issue.values[0])}.` : `Choose one of: ${issue.values.map(String).join(', ')}.`;
    case 'not_multiple_of':
      return `Enter a multiple of ${issue.divisor}.`;
    case 'unrecognized_keys':
      return `Remove ${issue.keys.length === 1 ? 'the unknown field' : 'the unknown fields'} ${issue.keys.join(', ')}.`;
    case 'custom':
      return asSentence(issue.message);
    default:
      return 'This value is not accepted.';
  }
}

/**
 * The issues of a failed parse as one plain sentence per field: a refinement's own message wins over zod's
 * generic one on the same field (a URL that is not http(s) says so once), and the first problem of a field is kept.
 */
export function plainIssues(issues: readonly Issue[]): FieldProblem[] {
  const byField = new Map<string, { message: string; custom: boolean }>();
  for (const issue of issues) {
    const field = issue.path.map(String).join('.');
    const custom = issue.code === 'custom';
    const known = byField.get(field);
    if (known && (known.custom || !custom)) continue;
    byField.set(field, { message: generated(issue), custom });
  }
  return [...byField].map(([field, { message }]) => ({ field, message }));
}
