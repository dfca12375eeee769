/** A reason the version cannot be served, shown to the user as the failed version's status. */
export class InspectionFailure extends Error {
  constructor(
    message: string,
    /** What the failed version's details keep (an environment build's log). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}
