/** A certificate (PEM) and its private key (PEM), as `tls.createServer` takes them. */
export interface KeyAndCert {
  readonly key: string
  readonly cert: string
}

export interface TestCerts {
  /** The private CA's certificate (PEM): trust it to verify the leaves it signed. */
  readonly ca: string
  /** Signed by the CA, for localhost and 127.0.0.1, valid now. */
  readonly localhost: KeyAndCert
  /** Signed by the CA, for other.example only. */
  readonly wrongHost: KeyAndCert
  /** Signed by the CA, for localhost, valid from 2020-01-01 to 2021-01-01. */
  readonly expired: KeyAndCert
  /** Signed by the CA, for localhost, valid from 2099-01-01 to 2100-01-01. */
  readonly notYetValid: KeyAndCert
  /** Self-signed, for localhost and 127.0.0.1. */
  readonly selfSigned: KeyAndCert
}

/** The test certificates, made in memory on the first call (the same promise after). */
export declare const testCerts: () => Promise<TestCerts>
