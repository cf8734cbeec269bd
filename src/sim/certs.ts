import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';

/**
 * A throwaway CA and a server certificate for 127.0.0.1/localhost, minted in-process with
 * node:crypto (ECDSA P-256) and a few lines of DER: no openssl binary, no dependency, and nothing
 * to import at start-up (X.509 libraries cost ~1 s to load on a busy machine; `airgap-top demo`
 * has 3 s). kubectl (Go crypto/x509) and Node's TLS both verify the result.
 */
export interface ServerCertificates {
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
}

const seq = (...c: Buffer[]) => tlv(0x30, ...c);
const set = (...c: Buffer[]) => tlv(0x31, ...c);
const octets = (b: Buffer) => tlv(0x04, b);
const bits = (b: Buffer, unused = 0) => tlv(0x03, Buffer.from([unused]), b);
const bool = (v: boolean) => tlv(0x01, Buffer.from([v ? 0xff : 0]));
const explicit = (n: number, c: Buffer) => tlv(0xa0 + n, c);

function integer(value: Buffer | number): Buffer {
  let b = typeof value === 'number' ? Buffer.from([value]) : value;
  while (b.length > 1 && b[0] === 0 && ((b[1] ?? 0) & 0x80) === 0) b = b.subarray(1);
  if (((b[0] ?? 0) & 0x80) !== 0) b = Buffer.concat([Buffer.from([0]), b]);
  return tlv(0x02, b);
}

function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map(Number);
  const out = [40 * (parts[0] ?? 0) + (parts[1] ?? 0)];
  for (const p of parts.slice(2)) {
    const stack = [p & 0x7f];
    for (let v = Math.floor(p / 128); v > 0; v = Math.floor(v / 128)) stack.unshift((v & 0x7f) | 0x80);
    out.push(...stack);
  }
  return tlv(0x06, Buffer.from(out));
}

function utcTime(date: Date): Buffer {
  const s = date.toISOString();
  return tlv(
    0x17,
    Buffer.from(
      `${s.slice(2, 4)}${s.slice(5, 7)}${s.slice(8, 10)}${s.slice(11, 13)}${s.slice(14, 16)}${s.slice(17, 19)}Z`,
    ),
  );
}

const name = (cn: string) => seq(set(seq(oid('2.5.4.3'), tlv(0x0c, Buffer.from(cn)))));
const ECDSA_SHA256 = seq(oid('1.2.840.10045.4.3.2'));
const extension = (id: string, critical: boolean, value: Buffer) =>
  seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));

function keyId(publicKey: KeyObject): Buffer {
  return createHash('sha1')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest();
}

function certificate(options: {
  subject: string;
  issuer: string;
  publicKey: KeyObject;
  signingKey: KeyObject;
  authorityKeyId: Buffer;
  extensions: Buffer[];
}): Buffer {
  const serial = randomBytes(12);
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x01;
  const tbs = seq(
    explicit(0, integer(2)),
    integer(serial),
    ECDSA_SHA256,
    name(options.issuer),
    seq(
      utcTime(new Date(Date.now() - 60 * 60 * 1000)),
      utcTime(new Date(Date.now() + 30 * 24 * 60 * 60 * 1000)),
    ),
    name(options.subject),
    options.publicKey.export({ type: 'spki', format: 'der' }),
    explicit(
      3,
      seq(
        ...options.extensions,
        extension('2.5.29.14', false, octets(keyId(options.publicKey))),
        extension('2.5.29.35', false, seq(tlv(0x80, options.authorityKeyId))),
      ),
    ),
  );
  const signature = sign('sha256', tbs, options.signingKey);
  return seq(tbs, ECDSA_SHA256, bits(signature));
}

function pem(der: Buffer, label: string): string {
  const b64 = der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

function ipBytes(ip: string): Buffer {
  return Buffer.from(ip.split('.').map(Number));
}

export function mintServerCertificates(hosts: { ips: string[]; dns: string[] }): ServerCertificates {
  const ca = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const server = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const caId = keyId(ca.publicKey);
  const caDer = certificate({
    subject: 'airgap-top-simulator-ca',
    issuer: 'airgap-top-simulator-ca',
    publicKey: ca.publicKey,
    signingKey: ca.privateKey,
    authorityKeyId: caId,
    extensions: [
      extension('2.5.29.19', true, seq(bool(true), integer(0))),
      // keyCertSign (bit 5) + cRLSign (bit 6)
      extension('2.5.29.15', true, bits(Buffer.from([0x06]), 1)),
    ],
  });
  const serverDer = certificate({
    subject: 'kube-apiserver',
    issuer: 'airgap-top-simulator-ca',
    publicKey: server.publicKey,
    signingKey: ca.privateKey,
    authorityKeyId: caId,
    extensions: [
      extension('2.5.29.19', true, seq()),
      // digitalSignature (bit 0)
      extension('2.5.29.15', true, bits(Buffer.from([0x80]), 7)),
      extension('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.1'))),
      extension(
        '2.5.29.17',
        false,
        seq(
          ...hosts.ips.map((ip) => tlv(0x87, ipBytes(ip))),
          ...hosts.dns.map((d) => tlv(0x82, Buffer.from(d))),
        ),
      ),
    ],
  });
  return {
    caPem: pem(caDer, 'CERTIFICATE'),
    certPem: pem(serverDer, 'CERTIFICATE'),
    keyPem: server.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
  };
}
