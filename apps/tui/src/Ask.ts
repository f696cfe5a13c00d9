/**
 * Fills in at a prompt what the flags and the environment left out: the platform, the Basic
 * credentials, the OAuth client. Used only when stdin is a terminal; otherwise the usual one-line
 * usage error names what is missing.
 */
import type { SharedFlags } from "@arlo-ready/cli-kit"
import { type CredentialName, envVars } from "@arlo-ready/core"
import { Effect, Option } from "effect"
import { askSecret, askText, type PromptIO } from "./Prompt.js"

type Env = Readonly<Record<string, string | undefined>>

/** The flags with the answers in, and which credentials came from a prompt. */
export interface Asked {
  readonly flags: SharedFlags
  readonly prompted: ReadonlySet<CredentialName>
}

const given = (flag: Option.Option<unknown>, env: Env, name: string) =>
  Option.isSome(flag) || (env[name] ?? "").trim() !== ""

/** Asks for whatever is missing. Empty answers to optional questions leave things as they were. */
export const askMissing = (flags: SharedFlags, env: Env, io: PromptIO): Effect.Effect<Asked> =>
  Effect.gen(function* () {
    let f = flags
    const prompted = new Set<CredentialName>()
    const auth = Option.getOrUndefined(flags.auth)?.trim().toLowerCase()

    if (!given(f.platform, env, envVars.platform) && !given(f.baseUrl, env, envVars.baseUrl)) {
      const answer = yield* askText(io, "Arlo platform (NAME for NAME.arlo.co, or a base URL): ")
      if (answer !== "") {
        f = answer.includes("://") ? { ...f, baseUrl: Option.some(answer) } : { ...f, platform: Option.some(answer) }
      }
    }

    let hasUser = given(f.username, env, envVars.username)
    const hasPassword = given(f.password, env, envVars.password) || f.passwordStdin
    let hasClient = given(f.clientId, env, envVars.clientId)
    const hasSecret = given(f.clientSecret, env, envVars.clientSecret) || f.clientSecretStdin
    const hasToken = given(f.accessToken, env, envVars.accessToken)
    const wantBasic = auth === "basic" || auth === "both" || (auth === undefined && !hasClient && !hasToken)
    const wantOAuth = auth === "oauth" || auth === "both" || (auth === undefined && !hasUser && !hasToken)
    const optional = auth === undefined

    if (wantBasic && !hasUser) {
      const answer = yield* askText(io, `Username${optional ? " (Enter to skip Basic auth)" : ""}: `)
      if (answer !== "") {
        f = { ...f, username: Option.some(answer) }
        prompted.add("username")
        hasUser = true
      }
    }
    if (hasUser && !hasPassword && auth !== "oauth") {
      const answer = yield* askSecret(io, "Password: ")
      if (answer !== null) {
        f = { ...f, password: Option.some(answer) }
        prompted.add("password")
      }
    }
    if (wantOAuth && !hasClient) {
      const answer = yield* askText(io, `OAuth client id${optional ? " (Enter to skip OAuth)" : ""}: `)
      if (answer !== "") {
        f = { ...f, clientId: Option.some(answer) }
        prompted.add("clientId")
        hasClient = true
      }
    }
    if (hasClient && !hasSecret && auth !== "basic") {
      const answer = yield* askSecret(io, "OAuth client secret: ")
      if (answer !== null) {
        f = { ...f, clientSecret: Option.some(answer) }
        prompted.add("clientSecret")
      }
    }
    return { flags: f, prompted }
  })
