/** The flags of a README's tables: usage → environment variable (or ""). */
export declare const readmeFlags: (markdown: string) => Map<string, string>
/** The flags of a help text: usage → environment variable (or ""). */
export declare const helpFlags: (help: string) => Map<string, string>
