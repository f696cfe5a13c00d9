/**
 * Fills in at a prompt what the flags and the environment left out: the platform, the Basic
 * credentials, the OAuth client. Used only when stdin is a terminal; otherwise the usual one-line
 * usage error names what is missing.
 */
import { type SharedFlags, secretGiven } from "@arlo-ready/cli-kit"
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
    // A secret from any source counts: a flag, stdin, a command, a variable or its _FILE or _COMMAND form.
    const hasPassword = secretGiven(f, env, "password")
    let hasClient = given(f.clientId, env, envVars.clientId)
    const hasSecret = secretGiven(f, env, "clientSecret")
    const hasToken = secretGiven(f, env, "accessToken")
    const wantBasic = auth === "basic" || auth === "both" || (auth === undefined && !hasClient && !hasToken)
    const wantOAuth = auth === "oauth" || auth === "both" || (auth === undefined && !hasUser && !hasToken)
    const optional = auth === undefined

    /** Asks for one credential; an answer goes into the flags, as typed at a prompt. Whether one came. */
    const ask = (name: "username" | "clientId" | "password" | "clientSecret", question: string) =>
      Effect.gen(function* () {
        const answer =
          name === "password" || name === "clientSecret" ? yield* askSecret(io, question) : yield* askText(io, question)
        if (answer === null || answer === "") return false
        f = { ...f, [name]: Option.some(answer) }
        prompted.add(name)
        return true
      })

    if (wantBasic && !hasUser) {
      hasUser = yield* ask("username", `Username${optional ? " (Enter to skip Basic auth)" : ""}: `)
    }
    if (hasUser && !hasPassword && auth !== "oauth") yield* ask("password", "Password: ")
    if (wantOAuth && !hasClient) {
      hasClient = yield* ask("clientId", `OAuth client id${optional ? " (Enter to skip OAuth)" : ""}: `)
    }
    if (hasClient && !hasSecret && auth !== "basic") yield* ask("clientSecret", "OAuth client secret: ")
    return { flags: f, prompted }
  })
