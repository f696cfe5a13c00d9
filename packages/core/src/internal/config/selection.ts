/** The selection of a config: `only`, `skip` and `assume` as check ids, and the refusals of the selection rule. */
import { Either } from "effect"
import { type CheckId, catalogue, checkGroups, isCheckId } from "../../Catalogue.js"
import { echo } from "../echo.js"
import { reportedChecks } from "../engine/plan.js"
import { ConfigError, type Inputs } from "./input.js"

/** Expands group names (`oauth`) and validates check ids. */
const checkList = (name: string, list: ReadonlyArray<string>): Either.Either<Array<CheckId>, ConfigError> => {
  const out = new Set<CheckId>()
  for (const raw of list.flatMap((s) => s.split(",")).map((s) => s.trim())) {
    if (raw === "") continue
    const group = raw.endsWith(".*") ? raw.slice(0, -2) : raw
    if ((checkGroups as ReadonlyArray<string>).includes(group)) {
      for (const d of catalogue) if (d.group === group) out.add(d.id)
    } else if (isCheckId(raw)) {
      out.add(raw)
    } else {
      return Either.left(
        new ConfigError({
          field: name,
          message: `Unknown check ${echo(raw)} in ${name}: use a check id such as basic.mfa or a group (${checkGroups.join(", ")}).`
        })
      )
    }
  }
  return Either.right(catalogue.map((d) => d.id).filter((id) => out.has(id)))
}

/** Both in `a` and in `b`. */
const inBoth = (a: ReadonlyArray<CheckId> | null, b: ReadonlyArray<CheckId>) => a?.filter((id) => b.includes(id)) ?? []

/**
 * The selection rule. `only` selects checks; their prerequisites run too and are reported (marked as
 * prerequisites). `skip` removes checks; a skipped check that a reported check needs leaves that check
 * not run, so the verdict is incomplete. `assume` removes checks too but takes them to hold, so their
 * dependents run. An empty selection, or a check both selected and skipped (or assumed), is refused.
 */
const checkSelection = (
  only: ReadonlyArray<CheckId> | null,
  skip: ReadonlyArray<CheckId>,
  assume: ReadonlyArray<CheckId>
): Either.Either<void, ConfigError> => {
  if (only !== null && only.length === 0)
    return Either.left(
      new ConfigError({ field: "only", message: "only selects no check: give at least one check id." })
    )
  const both = inBoth(only, skip)
  if (both.length > 0)
    return Either.left(
      new ConfigError({
        field: "only",
        message: `${both.join(", ")} ${both.length === 1 ? "is" : "are"} both selected (only) and skipped (skip): give each check in one of them.`
      })
    )
  const assumedSelected = inBoth(only, assume)
  if (assumedSelected.length > 0)
    return Either.left(
      new ConfigError({
        field: "assume",
        message: `${assumedSelected.join(", ")} ${assumedSelected.length === 1 ? "is" : "are"} both selected (only) and assumed (assume): an assumed check does not run.`
      })
    )
  if (reportedChecks({ only, skip, assume }).length === 0)
    return Either.left(
      new ConfigError({ field: "skip", message: "The selection leaves no check to run: skip fewer checks." })
    )
  return Either.right(undefined)
}

/** The selection of a config, its check lists validated and checked against the selection rule. */
export const resolveSelection = ({ opts }: Inputs) =>
  Either.gen(function* () {
    const only = opts.only === undefined ? null : yield* checkList("only", opts.only)
    const skip = opts.skip === undefined ? [] : yield* checkList("skip", opts.skip)
    const assume = opts.assume === undefined ? [] : yield* checkList("assume", opts.assume)
    yield* checkSelection(only, skip, assume)
    return { only, skip, assume }
  })
