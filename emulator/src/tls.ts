/**
 * One self-signed certificate for the emulator, made once and reused, so clients can trust it the way
 * a user trusts a private CA: NODE_EXTRA_CA_CERTS=<dir>/ca.pem. It is its own CA (CA:true) and names
 * 127.0.0.1 and localhost. Its key also signs the tokens the emulator issues (JWKS publishes it).
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as selfsigned from 'selfsigned';

export const DEFAULT_TLS_DIR = path.resolve(__dirname, '..', '..', '.cache', 'emulator-tls');

export interface EmulatorCertificate {
  certPem: string;
  keyPem: string;
  certPath: string;
}

const TEN_YEARS_MS = 10 * 365 * 24 * 3600 * 1000;

function readPair(dir: string): EmulatorCertificate | undefined {
  const certPath = path.join(dir, 'ca.pem');
  const keyPath = path.join(dir, 'key.pem');
  if (!fs.existsSync(certPath) || !fs.existsSync(keyPath)) return undefined;
  const certPem = fs.readFileSync(certPath, 'utf8');
  const keyPem = fs.readFileSync(keyPath, 'utf8');
  try {
    const x509 = new crypto.X509Certificate(certPem);
    if (!x509.checkPrivateKey(crypto.createPrivateKey(keyPem))) return undefined;
    if (new Date(x509.validTo).getTime() < Date.now() + 24 * 3600 * 1000) return undefined;
  } catch {
    return undefined;
  }
  return { certPem, keyPem, certPath };
}

async function generate(): Promise<{ certPem: string; keyPem: string }> {
  const notBeforeDate = new Date(Date.now() - 24 * 3600 * 1000);
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'n8n-nodes-graph-mail emulator' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate: new Date(notBeforeDate.getTime() + TEN_YEARS_MS),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  });
  return { certPem: pems.cert, keyPem: pems.private };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Returns the certificate in `dir`, creating it if missing or unusable. Several processes (jest workers)
 * may call this at once: a lock file makes one of them generate while the others wait for it.
 */
export async function ensureCertificate(dir: string = DEFAULT_TLS_DIR): Promise<EmulatorCertificate> {
  const existing = readPair(dir);
  if (existing) return existing;
  fs.mkdirSync(dir, { recursive: true });
  const lockPath = path.join(dir, 'generate.lock');
  let lock: number | undefined;
  for (let waited = 0; lock === undefined; waited += 100) {
    try {
      lock = fs.openSync(lockPath, 'wx');
    } catch {
      const made = readPair(dir);
      if (made) return made;
      // A lock older than 30 s belongs to a process that died while generating.
      if (waited > 30000 || Date.now() - (fs.statSync(lockPath, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 30000) {
        fs.rmSync(lockPath, { force: true });
      }
      await sleep(100);
    }
  }
  try {
    const again = readPair(dir);
    if (again) return again;
    const { certPem, keyPem } = await generate();
    fs.writeFileSync(path.join(dir, 'key.pem.tmp'), keyPem, { mode: 0o600 });
    fs.writeFileSync(path.join(dir, 'ca.pem.tmp'), certPem);
    fs.renameSync(path.join(dir, 'key.pem.tmp'), path.join(dir, 'key.pem'));
    fs.renameSync(path.join(dir, 'ca.pem.tmp'), path.join(dir, 'ca.pem'));
    return { certPem, keyPem, certPath: path.join(dir, 'ca.pem') };
  } finally {
    fs.closeSync(lock);
    fs.rmSync(lockPath, { force: true });
  }
}
