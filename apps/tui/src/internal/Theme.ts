/**
 * The screen's glyphs, colours and words for statuses and verdicts: one place, so every view agrees.
 * The verdict words and the actor labels are cli-kit's, as the plain printer and the report say them.
 */
import type { Verdict } from "@arlo-ready/core"
import type { RowStatus } from "../State.js"

export type Color = "green" | "yellow" | "red" | "magenta" | "gray" | "cyan" | "blue"

export const spinnerFrames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"] as const

export const statusGlyph: Record<Exclude<RowStatus, "running">, string> = {
  pending: "·",
  pass: "✔",
  warn: "▲",
  fail: "✖",
  error: "!",
  skipped: "○",
  not_applicable: "–",
  waived: "≈"
}

export const statusColor: Record<RowStatus, Color> = {
  pending: "gray",
  running: "cyan",
  pass: "green",
  warn: "yellow",
  fail: "red",
  error: "magenta",
  skipped: "gray",
  not_applicable: "gray",
  waived: "gray"
}

export const statusWord: Record<RowStatus, string> = {
  pending: "waiting",
  running: "running",
  pass: "pass",
  warn: "warning",
  fail: "fail",
  error: "could not decide",
  skipped: "blocked",
  not_applicable: "not applicable",
  waived: "waived"
}

export const verdictColor: Record<Verdict, Color> = {
  ready: "green",
  ready_with_warnings: "yellow",
  not_ready: "red",
  incomplete: "magenta"
}

export const verdictGlyph: Record<Verdict, string> = {
  ready: "✔",
  ready_with_warnings: "▲",
  not_ready: "✖",
  incomplete: "!"
}
