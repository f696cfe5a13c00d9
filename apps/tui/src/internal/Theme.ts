/** Glyphs, colours and words for statuses and verdicts: one place, so every view agrees. */
import type { Actor, Verdict } from "@arlo-ready/core"
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
  not_applicable: "–"
}

export const statusColor: Record<RowStatus, Color> = {
  pending: "gray",
  running: "cyan",
  pass: "green",
  warn: "yellow",
  fail: "red",
  error: "magenta",
  skipped: "gray",
  not_applicable: "gray"
}

export const statusWord: Record<RowStatus, string> = {
  pending: "waiting",
  running: "running",
  pass: "pass",
  warn: "warning",
  fail: "fail",
  error: "could not decide",
  skipped: "blocked",
  not_applicable: "not applicable"
}

export const verdictText: Record<Verdict, string> = {
  ready: "READY",
  ready_with_warnings: "READY WITH WARNINGS",
  not_ready: "NOT READY",
  incomplete: "INCOMPLETE"
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

export const actorText: Record<Actor, string> = {
  you: "you",
  "platform-administrator": "a platform administrator",
  developer: "the integration's developer",
  "arlo-support": "Arlo support",
  "network-administrator": "a network administrator"
}
