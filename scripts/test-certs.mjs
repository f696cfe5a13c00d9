// Certificates for the TLS tests, made in memory: a private CA, leaves it signs (for localhost and
// 127.0.0.1, for another host, expired, not yet valid) and a self-signed leaf. Keys and signatures come
// from Node's crypto; node-forge writes the X.509 certificates. Made once per process (one RSA key for
// the CA, one shared by the leaves, made in parallel), so a test file pays for them once.
import { constants, generateKeyPair, privateEncrypt, randomBytes } from "node:crypto"
import { promisify } from "node:util"
import forge from "node-forge"

const { pki, md } = forge

const rsa = async () => {
  const { privateKey, publicKey } = await promisify(generateKeyPair)("rsa", { modulusLength: 2048 })
  const keyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString()
  const pubPem = publicKey.export({ type: "spki", format: "pem" }).toString()
  // forge asks its key to sign the digest; Node's crypto does it (forge's own RSA is slow): a PKCS #1
  // v1.5 signature is the DigestInfo of the SHA-256 digest, encrypted with the private key.
  const signer = {
    sign: (digest) =>
      privateEncrypt(
        { key: privateKey, padding: constants.RSA_PKCS1_PADDING },
        Buffer.concat([sha256DigestInfo, Buffer.from(digest.digest().getBytes(), "binary")])
      ).toString("binary")
  }
  return { keyPem, signer, forgePub: pki.publicKeyFromPem(pubPem) }
}

const sha256DigestInfo = Buffer.from("3031300d060960864801650304020105000420", "hex")
const day = 86_400_000

const make = ({ cn, sans = [], from, to, issuer, key, ca = false }) => {
  const cert = pki.createCertificate()
  cert.publicKey = key.forgePub
  // A positive serial (the high bit clear), unique per certificate.
  cert.serialNumber = `01${randomBytes(15).toString("hex")}`
  cert.validity.notBefore = from
  cert.validity.notAfter = to
  cert.setSubject([{ name: "commonName", value: cn }])
  cert.setIssuer([{ name: "commonName", value: issuer ? issuer.cn : cn }])
  const altNames = sans.map((s) => (/^[\d.]+$/.test(s) ? { type: 7, ip: s } : { type: 2, value: s }))
  cert.setExtensions(
    ca
      ? [
          { name: "basicConstraints", cA: true, critical: true },
          { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
          { name: "subjectKeyIdentifier" }
        ]
      : [
          { name: "basicConstraints", cA: false },
          { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
          { name: "extKeyUsage", serverAuth: true },
          ...(altNames.length ? [{ name: "subjectAltName", altNames }] : [])
        ]
  )
  cert.sign(issuer ? issuer.key.signer : key.signer, md.sha256.create())
  return pki.certificateToPem(cert)
}

const build = async () => {
  const now = Date.now()
  // Both keys at once, on the thread pool.
  const [caKey, leafKey] = await Promise.all([rsa(), rsa()])
  const ca = { cn: "arlo-ready test CA", key: caKey }
  const caPem = make({ cn: ca.cn, from: new Date(now - day), to: new Date(now + 3650 * day), key: caKey, ca: true })
  const current = { from: new Date(now - day), to: new Date(now + 365 * day) }
  const leaf = (cn, sans, dates = current) => ({
    key: leafKey.keyPem,
    cert: make({ cn, sans, ...dates, issuer: ca, key: leafKey })
  })
  return {
    ca: caPem,
    localhost: leaf("localhost", ["localhost", "127.0.0.1"]),
    wrongHost: leaf("other.example", ["other.example"]),
    expired: leaf("localhost", ["localhost", "127.0.0.1"], {
      from: new Date("2020-01-01T00:00:00Z"),
      to: new Date("2021-01-01T00:00:00Z")
    }),
    notYetValid: leaf("localhost", ["localhost", "127.0.0.1"], {
      from: new Date("2099-01-01T00:00:00Z"),
      to: new Date("2100-01-01T00:00:00Z")
    }),
    selfSigned: {
      key: leafKey.keyPem,
      cert: make({ cn: "localhost", sans: ["localhost", "127.0.0.1"], ...current, key: leafKey })
    }
  }
}

let cached

/** The test certificates (made on the first call, the same promise after). */
export const testCerts = () => {
  cached ??= build()
  return cached
}
