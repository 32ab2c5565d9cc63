import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createSecureContext } from 'node:tls';
import { MTLS_ALL_OR_NONE, type MtlsFiles, missingMtlsVariables } from '../config/common.ts';
import { ConfigError } from '../config/config.ts';

/** PEM material of mTLS between services: the CA that signs every service's certificate, this one's cert and key. */
export interface MtlsMaterial {
  ca: string;
  cert: string;
  key: string;
}

const HOW_TO = 'see docs/operations.md, "mTLS between services"';

/** The text of a PEM file, or the problem with it. */
async function readPem(variable: string, path: string, kind: 'CERTIFICATE' | 'PRIVATE KEY'): Promise<{ text: string; problem?: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    const fix =
      code === 'ENOENT'
        ? 'check the path (relative paths start from the working directory)'
        : code === 'EACCES'
          ? 'make it readable by the user the service runs as'
          : code === 'EISDIR'
            ? 'point it at the PEM file, not its directory'
            : 'check the path and its permissions';
    return { text: '', problem: `${variable}: cannot read ${path} (${code}) — ${fix}` };
  }
  if (!new RegExp(`-----BEGIN [A-Z ]*${kind}-----`).test(text)) {
    return { text, problem: `${variable}: ${path} holds no PEM ${kind.toLowerCase()} (-----BEGIN ${kind}-----) — ${HOW_TO}` };
  }
  return { text };
}

/** Problems with material that was read: an unusable or expired certificate, a key that does not match it. */
function checkMaterial(files: Required<MtlsFiles>, material: MtlsMaterial, now: number, problems: string[]): void {
  for (const [variable, pem] of [
    ['MTLS_CA_FILE', material.ca],
    ['MTLS_CERT_FILE', material.cert],
  ] as const) {
    let certificate: X509Certificate;
    try {
      certificate = new X509Certificate(pem);
    } catch (err) {
      problems.push(`${variable}: ${files[variable]} holds no usable certificate (${(err as Error).message}) — ${HOW_TO}`);
      continue;
    }
    if (Date.parse(certificate.validTo) < now) {
      problems.push(`${variable}: the certificate in ${files[variable]} expired on ${certificate.validTo} — issue a new one`);
    }
  }
  if (problems.length > 0) return;
  try {
    createSecureContext({ ca: material.ca, cert: material.cert, key: material.key });
  } catch (err) {
    const message = (err as Error).message;
    problems.push(
      /mismatch/i.test(message)
        ? `MTLS_KEY_FILE: ${files.MTLS_KEY_FILE} is not the key of the certificate in ${files.MTLS_CERT_FILE} — use the key the certificate was issued for`
        : `MTLS_KEY_FILE: ${files.MTLS_KEY_FILE} with ${files.MTLS_CERT_FILE} is unusable (${message}) — ${HOW_TO}`,
    );
  }
}

/**
 * Reads the mTLS files a config names: `undefined` when none of MTLS_CA_FILE, MTLS_CERT_FILE, MTLS_KEY_FILE is
 * set (mTLS off). Throws a {@link ConfigError} listing every problem: a partial set (naming the missing
 * variables), a file that can't be read (naming the path and what to do), no PEM inside, an expired certificate,
 * a key that does not match the certificate.
 * @example const tls = await loadMtls(config); // then serveNode({ ..., tls }) and createUndiciTransport({ tls })
 */
export async function loadMtls(config: MtlsFiles, now: number = Date.now()): Promise<MtlsMaterial | undefined> {
  const missing = missingMtlsVariables(config);
  if (missing.length > 0) throw new ConfigError(missing.map((name) => `${name}: ${MTLS_ALL_OR_NONE}`));
  const { MTLS_CA_FILE, MTLS_CERT_FILE, MTLS_KEY_FILE } = config;
  if (!MTLS_CA_FILE || !MTLS_CERT_FILE || !MTLS_KEY_FILE) return undefined;
  const files = { MTLS_CA_FILE, MTLS_CERT_FILE, MTLS_KEY_FILE };
  const [ca, cert, key] = await Promise.all([
    readPem('MTLS_CA_FILE', MTLS_CA_FILE, 'CERTIFICATE'),
    readPem('MTLS_CERT_FILE', MTLS_CERT_FILE, 'CERTIFICATE'),
    readPem('MTLS_KEY_FILE', MTLS_KEY_FILE, 'PRIVATE KEY'),
  ]);
  const problems = [ca, cert, key].flatMap((file) => (file.problem ? [file.problem] : []));
  const material = { ca: ca.text, cert: cert.text, key: key.text };
  if (problems.length === 0) checkMaterial(files, material, now, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return material;
}

/**
 * Entry-file helper, like `loadConfigOrExit`: {@link loadMtls}, or print every problem to stderr and exit 1.
 * @example const tls = await loadMtlsOrExit(config, (code) => process.exit(code));
 */
export async function loadMtlsOrExit(
  config: MtlsFiles,
  exit: (code: number) => never,
  write: (line: string) => void = (line) => console.error(line),
): Promise<MtlsMaterial | undefined> {
  try {
    return await loadMtls(config);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    write(JSON.stringify({ level: 'fatal', msg: 'invalid mTLS configuration', problems: err.problems }));
    write(`${err.message}\nFix the MTLS_* files above (docs/operations.md, "mTLS between services") and start again.`);
    return exit(1);
  }
}
