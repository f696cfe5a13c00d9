/**
 * The parsers of flag values: durations, counts, choices, check lists and `--fail-on`. Each bad value is
 * a `UsageError` whose one line names the flag and what it accepts.
 */
import { catalogue, checkGroups, checkIds } from "@arlo-ready/core"
import { Either, Option } from "effect"
import { didYouMean } from "./Args.js"
import { type FailOn, failOnValues } from "./ExitCode.js"
import { UsageError } from "./UsageError.js"

const usage = (message: string) => Either.left(new UsageError({ message }))

/**
 * A duration flag: `1500ms`, `10s`, `2m`, or a bare number of seconds. Returns milliseconds.
 */
export const parseDuration = (flag: string, text: string): Either.Either<number, UsageError> => {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m)?$/i.exec(text.trim())
  if (!m) return usage(`${flag} must be a duration such as 10s, 1500ms or 2m (got '${text}')`)
  const n = Number(m[1])
  const unit = (m[2] ?? "s").toLowerCase()
  const ms = Math.round(unit === "ms" ? n : unit === "s" ? n * 1000 : n * 60_000)
  if (ms <= 0) return usage(`${flag} must be longer than 0 (got '${text}')`)
  return Either.right(ms)
}

/** A whole number above zero. */
export const parseCount = (flag: string, text: string): Either.Either<number, UsageError> => {
  const t = text.trim()
  if (!/^\d+$/.test(t) || Number(t) < 1) return usage(`${flag} must be a whole number above 0 (got '${text}')`)
  return Either.right(Number(t))
}

/** One of a few words, case-insensitive. */
export const parseChoice = <const A extends string>(
  flag: string,
  text: string,
  choices: ReadonlyArray<A>
): Either.Either<A, UsageError> => {
  const t = text.trim().toLowerCase()
  const found = choices.find((c) => c === t)
  if (found !== undefined) return Either.right(found)
  const list = choices.length === 2 ? `${choices[0]} or ${choices[1]}` : choices.join(", ")
  return usage(`${flag} must be ${list} (got '${text}')`)
}

/**
 * Check ids (or group names) given repeatedly or comma-separated. An unknown one is a usage error that
 * names the valid ids.
 */
export const parseCheckList = (
  flag: string,
  values: ReadonlyArray<string>
): Either.Either<Array<string>, UsageError> => {
  const out: Array<string> = []
  for (const raw of values.flatMap((v) => v.split(",")).map((s) => s.trim())) {
    if (raw === "") continue
    const group = raw.endsWith(".*") ? raw.slice(0, -2) : raw
    if (!(checkIds as ReadonlyArray<string>).includes(raw) && !(checkGroups as ReadonlyArray<string>).includes(group)) {
      const near = didYouMean(raw, [...checkIds, ...checkGroups])
      return usage(
        near
          ? `${flag}: unknown check '${raw}': did you mean ${near}?`
          : `${flag}: unknown check '${raw}'; valid ids: ${checkIds.join(", ")} (or a group: ${checkGroups.join(", ")})`
      )
    }
    out.push(raw)
  }
  if (out.length === 0) return usage(`${flag} needs at least one check id, e.g. ${flag} ${catalogue[2]!.id}`)
  return Either.right(out)
}

/** The value of an optional flag through its parser; undefined when the flag is absent. */
export const parseOptional = <A>(
  value: Option.Option<string>,
  parse: (text: string) => Either.Either<A, UsageError>
): Either.Either<A | undefined, UsageError> => (Option.isSome(value) ? parse(value.value) : Either.right(undefined))

/** `--fail-on` (see `failOnFlag`): fail unless it says warn. */
export const failOnFrom = (value: Option.Option<string>): Either.Either<FailOn, UsageError> =>
  parseOptional(value, (text) => parseChoice("--fail-on", text, failOnValues)).pipe(Either.map((f) => f ?? "fail"))
