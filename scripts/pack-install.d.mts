/** The bytes under a folder. */
export declare const sizeOf: (path: string) => number

export interface Installed {
  readonly dir: string
  readonly tarball: string
  /** The project a library was installed into (mode "project"). */
  readonly project: string | undefined
  /** The installed package's folder. */
  readonly installed: string
  /** Each bin's path in the prefix (mode "global"). */
  readonly bins: Readonly<Record<string, string>>
  readonly installedBytes: number
  readonly tarballBytes: number
  readonly cleanup: () => void
}

/** Packs a workspace package as published and installs the tarball alone. */
export declare const packInstall: (
  packageDir: string,
  options?: { readonly mode?: "global" | "project"; readonly timeoutMs?: number }
) => Promise<Installed>
