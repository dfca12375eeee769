import { Prisma } from '@slipway/db';
import { ApiError } from './errors';

/**
 * What a database refusal means to the caller, decided here once for every route: two requests racing for the
 * same unique row (409), a row another request deleted meanwhile (404), a value the column cannot hold (400).
 * Anything else stays an internal error.
 */
export function fromDatabaseError(error: unknown): ApiError | undefined {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return undefined;
  switch (error.code) {
    // Unique constraint; foreign key to a row deleted meanwhile; a serialization failure or deadlock.
    case 'P2002':
      return new ApiError('conflict', 'another request created the same thing at the same time; look it up, or try again');
    case 'P2003':
    case 'P2034':
      return new ApiError('conflict', 'another request changed this at the same time; try again');
    // A row needed for the operation is gone (deleted by another request).
    case 'P2001':
    case 'P2015':
    case 'P2018':
    case 'P2025':
      return new ApiError('not_found', 'not found: another request deleted it');
    // The value does not fit its column: too long, out of range, or not of its type.
    case 'P2000':
    case 'P2005':
    case 'P2006':
    case 'P2007':
    case 'P2020':
    case 'P2023':
      return new ApiError('validation_error', 'a value does not fit what the database can store (too long, out of range or of the wrong kind)');
    default:
      return undefined;
  }
}
