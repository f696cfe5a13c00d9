/**
 * Colour policy, applied before anything loads chalk (Ink's colouring): chalk reads FORCE_COLOR and
 * whether stdout is a TTY, but not NO_COLOR. A non-empty NO_COLOR wins: it becomes FORCE_COLOR=0, which
 * chalk and cli-kit's style detection both honour.
 */
export const applyColorPolicy = (env: NodeJS.ProcessEnv = process.env): void => {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") env.FORCE_COLOR = "0"
}
