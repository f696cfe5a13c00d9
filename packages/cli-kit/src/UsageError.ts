/**
 * The one error a user can fix by changing how they call the app: it becomes a one-line message on
 * stderr and exit code 2.
 */
import { Data } from "effect"

/** A usage or configuration error. `message` is one line that names what to fix. */
export class UsageError extends Data.TaggedError("UsageError")<{ readonly message: string }> {}

/** Whether a value is a UsageError (also across copies of this module). */
export const isUsageError = (u: unknown): u is UsageError =>
  typeof u === "object" && u !== null && "_tag" in u && u._tag === "UsageError" && "message" in u
