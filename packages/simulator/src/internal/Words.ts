/** What generated data is made of: word pools and the formats Arlo shows values in. */
import type * as Prng from "./Prng.js"

export const topics = [
  "Leadership Essentials",
  "First Aid at Work",
  "Project Management Fundamentals",
  "Advanced Excel",
  "Customer Service Excellence",
  "Workplace Health and Safety",
  "Negotiation Skills",
  "Presenting with Confidence",
  "Agile Foundations",
  "Financial Literacy for Managers",
  "Conflict Resolution",
  "Data Privacy Essentials",
  "Coaching for Performance",
  "Time Management",
  "Inclusive Leadership"
]
export const firstNames = [
  "Aroha",
  "Liam",
  "Mere",
  "Olivia",
  "Noah",
  "Ava",
  "Tane",
  "Isla",
  "Jack",
  "Charlotte",
  "Hemi",
  "Amelia",
  "Oliver",
  "Mia",
  "Wiremu",
  "Grace",
  "Lucas",
  "Ruby",
  "Mateo",
  "Zoe"
]
export const lastNames = [
  "Ngata",
  "Smith",
  "Walker",
  "Patel",
  "Nguyen",
  "Brown",
  "Wilson",
  "Taylor",
  "Parata",
  "Chen",
  "Kumar",
  "Thompson",
  "Harris",
  "Clarke",
  "Singh",
  "Martin"
]
export const orgWords = [
  "Harbour",
  "Summit",
  "Kauri",
  "Southern",
  "Pacific",
  "Northwind",
  "Riverbend",
  "Tasman",
  "Ironbark"
]
export const orgKinds = [
  "Health",
  "Logistics",
  "Council",
  "Engineering",
  "Foods",
  "Energy",
  "Education Trust",
  "Insurance"
]
/** City, country and the time zone its events start in. */
export const cities: ReadonlyArray<readonly [string, string, string]> = [
  ["Auckland", "New Zealand", "NZDT"],
  ["Wellington", "New Zealand", "NZDT"],
  ["Christchurch", "New Zealand", "NZDT"],
  ["Sydney", "Australia", "AEDT"],
  ["Melbourne", "Australia", "AEDT"],
  ["Brisbane", "Australia", "AEST"],
  ["London", "United Kingdom", "GMT"],
  ["Toronto", "Canada", "EST"]
]
export const tzHours: Record<string, number> = { NZDT: 13, AEDT: 11, AEST: 10, GMT: 0, EST: -5 }
export const eventStatuses = ["Active", "Active", "Active", "Completed", "Draft", "Cancelled"]
export const regStatuses = ["Approved", "Approved", "Completed", "Cancelled"]
export const outcomes = ["Pass", "Pass", "Fail", "NotSpecified"]
export const orderStatuses = ["Approved", "Pending", "AwaitingApproval", "Cancelled", "Completed"]

export const day = 86_400_000
export const hour = 3_600_000
/** The instant generated data is centred on. */
export const base = Date.UTC(2025, 0, 6, 20, 0, 0)

const iso = (ms: number) => new Date(ms).toISOString()

/** DateTimeOffset as Arlo shows it, e.g. 2025-02-03T09:00:00.000+13:00. */
export const offset = (ms: number, hours: number) => {
  const local = new Date(ms + hours * hour).toISOString().slice(0, 23)
  const sign = hours >= 0 ? "+" : "-"
  return `${local}${sign}${String(Math.abs(hours)).padStart(2, "0")}:00`
}

/** A version 4 GUID in lower case. */
export const guid = (rng: Prng.Prng) => {
  const hex = (n: number) =>
    Array.from({ length: n }, () => rng.int(0, 15).toString(16))
      .join("")
      .toLowerCase()
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${["8", "9", "a", "b"][rng.int(0, 3)]}${hex(3)}-${hex(12)}`
}

export const money = (n: number) => n.toFixed(2)

/** `CreatedDateTime` and `LastModifiedDateTime` somewhat before `start`. */
export const stamps = (rng: Prng.Prng, start: number) => {
  const created = start - rng.int(30, 400) * day - rng.int(0, 86_000) * 1000
  const modified = created + rng.int(0, 200) * day + rng.int(0, 86_000) * 1000
  return [
    ["CreatedDateTime", iso(created)],
    ["LastModifiedDateTime", iso(modified)]
  ] as const
}
