/** A screen is a list of lines, each a list of styled segments already fitted to the width. */
import { Box, Text } from "ink"
import type { Color } from "./Theme.js"

export interface Segment {
  readonly text: string
  readonly color?: Color
  readonly bold?: boolean
  readonly dim?: boolean
}

export interface Line {
  readonly key: string
  readonly segments: ReadonlyArray<Segment>
}

/** A line of one segment. */
export const line = (key: string, text: string, style: Omit<Segment, "text"> = {}): Line => ({
  key,
  segments: [{ text, ...style }]
})

/** Renders lines, one Ink text row each. */
export const Lines = ({ lines }: { readonly lines: ReadonlyArray<Line> }) => (
  <Box flexDirection="column">
    {lines.map((l) => (
      <Text key={l.key} wrap="truncate-end">
        {l.segments.every((s) => s.text === "")
          ? " "
          : l.segments.map((s, i) => (
              <Text
                // biome-ignore lint/suspicious/noArrayIndexKey: segments are positional
                key={i}
                {...(s.color ? { color: s.color } : {})}
                {...(s.bold ? { bold: true } : {})}
                {...(s.dim ? { dimColor: true } : {})}
              >
                {s.text}
              </Text>
            ))}
      </Text>
    ))}
  </Box>
)
