/** What a failed write to stdout is shown as (a leaf: the bins' fast paths use it before anything loads). */
import { oneLine } from "./internal/text.js"

/**
 * The one stderr line for a failed write to stdout, or none when the reader went away (EPIPE, as with
 * `| head -1`): that reader chose to stop reading, and says nothing else went wrong.
 */
export const stdoutFailureLine = (name: string, error: NodeJS.ErrnoException): string | undefined => {
  if (error.code === "EPIPE") return undefined
  const what = oneLine(error.message).replace(/, write$/, "")
  const hint =
    error.code === "ENOSPC" || error.code === "EDQUOT"
      ? "free some space, or send stdout to another file"
      : error.code === "EFBIG"
        ? "the file grew past what this process may write (ulimit -f): raise the limit, or send stdout elsewhere"
        : "send stdout to another file or pipe"
  return `${name}: could not write to stdout (${what}), so what it shows is incomplete: ${hint}`
}
