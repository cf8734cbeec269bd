import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { LookupFunction } from 'node:net';
import net from 'node:net';
import tls, { type DetailedPeerCertificate, type PeerCertificate } from 'node:tls';
import type {
  CertificateFacts,
  NetworkFailure,
  RegistryEndpoint,
  TlsFailure,
  TlsInventory,
} from '../../model/registry/types.js';

/**
 * One HTTP exchange with a registry endpoint over a connection this module opens itself, so the TLS
 * handshake can be judged (and its inventory recorded) before a request is written: the chain is
 * verified against the endpoint's own CA files only, like containerd's per-host tls.Config, and the
 * name is checked separately so "not trusted", "expired" and "wrong name" are told apart.
 */
export interface ExchangeRequest {
  readonly url: URL;
  readonly method: 'HEAD' | 'GET';
  readonly headers: Readonly<Record<string, string>>;
  readonly endpoint: RegistryEndpoint;
  readonly timeoutMs: number;
  readonly lookup?: LookupFunction;
  /**
   * Where to dial instead of the URL's own host and port ([registry.connect_to]); the TLS name
   * checked (and sent as SNI) stays the URL's host.
   */
  readonly dialTo?: { readonly host: string; readonly port: number };
  /** Reads a CA file the endpoint names (default: the local file system). */
  readonly readCaFile?: (path: string) => string;
  /** Largest body read (GET); more is cut off and the digest is not computed. */
  readonly maxBodyBytes?: number;
}

export interface ExchangeResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body?: Buffer;
  /** sha256 of the whole body, when it was read whole. */
  readonly bodyDigest?: string;
  readonly tls?: TlsInventory;
}

export class NetworkError extends Error {
  override readonly name = 'NetworkError';
  constructor(
    readonly failure: NetworkFailure,
    message: string,
  ) {
    super(message);
  }
}

export class TlsError extends Error {
  override readonly name = 'TlsError';
  constructor(
    readonly failure: TlsFailure,
    message: string,
    readonly tls?: TlsInventory,
  ) {
    super(message);
  }
}

/** `verifiedBy` when no CA file was given and Node's own roots verified the chain. */
export const SYSTEM_TRUST_STORE = '(system trust store)';

const DEFAULT_MAX_BODY = 4 * 1024 * 1024;

/**
 * Keep-alive connections per (origin, endpoint TLS settings), so a sweep pays each TLS handshake
 * once per connection rather than once per request. Each new connection is verified as above before
 * the agent hands it to a request; its inventory rides along with the socket.
 */
export class ConnectionPool {
  private readonly agents = new Map<string, http.Agent>();

  constructor(private readonly maxSocketsPerOrigin = 8) {}

  agentFor(req: ExchangeRequest, key: string): http.Agent {
    let agent = this.agents.get(key);
    if (!agent) {
      agent = new http.Agent({ keepAlive: true, maxSockets: this.maxSocketsPerOrigin, scheduling: 'lifo' });
      agent.createConnection = ((
        _options: unknown,
        callback: (err: Error | null, socket?: net.Socket) => void,
      ) => {
        openConnection(req).then(
          ({ socket, inventory }) => {
            if (inventory) INVENTORY.set(socket, inventory);
            callback(null, socket);
          },
          (err: Error) => callback(err),
        );
        return undefined;
      }) as unknown as http.Agent['createConnection'];
      this.agents.set(key, agent);
    }
    return agent;
  }

  /** Closes every idle connection (at the end of a sweep). */
  close(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }
}

const INVENTORY = new WeakMap<object, TlsInventory>();

export function exchange(
  req: ExchangeRequest,
  pool?: { pool: ConnectionPool; key: string },
): Promise<ExchangeResponse> {
  const ownPool = pool ? undefined : new ConnectionPool(1);
  const agent = pool
    ? pool.pool.agentFor(req, pool.key)
    : (ownPool as ConnectionPool).agentFor(req, 'one-off');
  // A kept-alive connection the registry closed as it idled can fail the next request before any
  // answer: that request (a HEAD or GET, both idempotent) is asked again, as Go's net/http does,
  // else the image would be "unreachable" for a race on a socket. Another idle connection may be
  // just as closed: a few tries, then a new connection is the agent's only choice.
  const attempt = (tries: number): Promise<ExchangeResponse> =>
    exchangeOnce(req, agent).catch((err: unknown) => {
      if (!(err instanceof StaleConnection)) throw err;
      if (tries >= STALE_RETRIES) throw err.cause;
      return attempt(tries + 1);
    });
  return attempt(1).finally(() => ownPool?.close());
}

/** Tries of one request while the connections it is given turn out closed (see exchange). */
const STALE_RETRIES = 3;

/** A reused connection that was reset before any answer (the request may be asked again). */
class StaleConnection extends Error {
  constructor(override readonly cause: NetworkError) {
    super(cause.message);
  }
}

function exchangeOnce(req: ExchangeRequest, agent: http.Agent): Promise<ExchangeResponse> {
  return new Promise<ExchangeResponse>((resolve, reject) => {
    let settled = false;
    let answered = false;
    const finish = (err: Error | undefined, value?: ExchangeResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) {
        r.destroy();
        reject(err);
      } else if (value) resolve(value);
    };
    const timer = setTimeout(
      () => finish(new NetworkError('timeout', `no answer from ${req.url.host} within ${req.timeoutMs} ms`)),
      req.timeoutMs,
    );
    const r = http.request(
      {
        agent,
        host: req.url.hostname,
        port: req.url.port,
        method: req.method,
        path: `${req.url.pathname}${req.url.search}`,
        headers: { Host: req.url.host, ...req.headers },
      },
      (res) => {
        answered = true;
        const inventory = res.socket ? INVENTORY.get(res.socket) : undefined;
        const chunks: Buffer[] = [];
        let size = 0;
        let cut = false;
        const max = req.maxBodyBytes ?? DEFAULT_MAX_BODY;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > max) cut = true;
          else chunks.push(chunk);
        });
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          finish(undefined, {
            status: res.statusCode ?? 0,
            headers: res.headers,
            ...(req.method === 'GET' ? { body } : {}),
            ...(req.method === 'GET' && !cut
              ? { bodyDigest: `sha256:${createHash('sha256').update(body).digest('hex')}` }
              : {}),
            ...(inventory ? { tls: inventory } : {}),
          });
        });
        res.on('error', (err) => finish(networkError(err)));
      },
    );
    r.on('error', (err: NodeJS.ErrnoException) => {
      const failure = networkError(err);
      const stale =
        r.reusedSocket && !answered && failure instanceof NetworkError && failure.failure === 'reset';
      finish(stale ? new StaleConnection(failure) : failure);
    });
    r.end();
  });
}

interface Connection {
  readonly socket: net.Socket;
  readonly inventory?: TlsInventory;
}

function openConnection(req: ExchangeRequest): Promise<Connection> {
  const host = req.url.hostname.replace(/^\[|\]$/g, '');
  const dialHost = req.dialTo?.host.replace(/^\[|\]$/g, '') ?? host;
  const port = req.dialTo?.port ?? Number(req.url.port || (req.url.protocol === 'https:' ? 443 : 80));
  if (req.url.protocol === 'http:') {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host: dialHost, port, ...(req.lookup ? { lookup: req.lookup } : {}) });
      s.once('connect', () => resolve({ socket: s }));
      s.once('error', (err) => reject(networkError(err)));
    });
  }
  const { endpoint } = req;
  const caFiles = endpoint.caFiles ?? [];
  let caPems: string[];
  try {
    caPems = caFiles.map((f) => (req.readCaFile ? req.readCaFile(f) : readFileSync(f, 'utf8')));
  } catch (err) {
    // Not the registry's fault, nor proof about the node (a bundle may lack a CA kept outside
    // /etc/containerd): the endpoint could not be asked as the node asks it.
    return Promise.reject(
      new NetworkError('other', `cannot read the CA file it names: ${(err as Error).message}`),
    );
  }
  return new Promise((resolve, reject) => {
    const s = tls.connect({
      host: dialHost,
      port,
      ...(net.isIP(host) ? {} : { servername: host }),
      // The registry's own name, also when dialling another address (connect_to).
      checkServerIdentity: (_name, cert) => tls.checkServerIdentity(host, cert),
      ...(caPems.length > 0 ? { ca: caPems } : {}),
      ...(endpoint.clientCert
        ? { cert: readFileSync(endpoint.clientCert.certFile), key: readFileSync(endpoint.clientCert.keyFile) }
        : {}),
      // Verification is judged below, before any request is written.
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
      ...(req.lookup ? { lookup: req.lookup } : {}),
    });
    s.once('secureConnect', () => {
      const chain = peerChain(s.getPeerCertificate(true));
      const authError = s.authorizationError ? String(s.authorizationError) : undefined;
      // Node folds a failed name check into authorizationError; the chain itself verified then.
      const nameError =
        authError === 'ERR_TLS_CERT_ALTNAME_INVALID'
          ? tls.checkServerIdentity(host, s.getPeerCertificate())
          : undefined;
      const chainTrusted = s.authorized || nameError !== undefined;
      const verifiedBy = !chainTrusted
        ? undefined
        : caFiles.length > 0
          ? issuingCaFile(chain.raw, caFiles, caPems)
          : SYSTEM_TRUST_STORE;
      const inventory: TlsInventory = {
        chain: chain.facts,
        caFiles,
        trusted: s.authorized,
        skipVerify: endpoint.skipVerify === true,
        ...(verifiedBy ? { verifiedBy } : {}),
        ...(nameError ? { error: nameError.message } : authError ? { error: authError } : {}),
      };
      if (endpoint.skipVerify || inventory.trusted) {
        resolve({ socket: s, inventory });
        return;
      }
      s.destroy();
      if (nameError) reject(new TlsError('name-mismatch', nameError.message, inventory));
      else reject(new TlsError(tlsFailureOf(authError), authError ?? 'not trusted', inventory));
    });
    s.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code?.startsWith('ERR_SSL') || /SSL|TLS|handshake/i.test(err.message)) {
        reject(new TlsError('handshake', err.message));
      } else reject(networkError(err));
    });
  });
}

function tlsFailureOf(code: string | undefined): TlsFailure {
  if (code === 'CERT_HAS_EXPIRED') return 'expired';
  if (code === 'CERT_NOT_YET_VALID') return 'not-yet-valid';
  return 'untrusted';
}

function networkError(err: NodeJS.ErrnoException): NetworkError | TlsError {
  if (err instanceof NetworkError || err instanceof TlsError) return err;
  const code = err.code ?? '';
  if (code === 'ECONNREFUSED') return new NetworkError('refused', err.message);
  if (code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT') return new NetworkError('timeout', err.message);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_FAIL' || code === 'EAI_NONAME') {
    return new NetworkError('dns', err.message);
  }
  if (code === 'ECONNRESET' || code === 'EPIPE') return new NetworkError('reset', err.message);
  return new NetworkError('other', err.message);
}

/** The chain the server sent, leaf first, stopping at a self-signed certificate or a loop. */
function peerChain(leaf: DetailedPeerCertificate): { facts: CertificateFacts[]; raw: X509Certificate[] } {
  const facts: CertificateFacts[] = [];
  const raw: X509Certificate[] = [];
  const seen = new Set<string>();
  let cert: DetailedPeerCertificate | undefined = leaf;
  while (cert?.raw && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256);
    facts.push(certificateFacts(cert));
    raw.push(new X509Certificate(cert.raw));
    cert = cert.issuerCertificate;
  }
  return { facts, raw };
}

function certificateFacts(cert: PeerCertificate): CertificateFacts {
  return {
    subject: distinguishedName(cert.subject),
    issuer: distinguishedName(cert.issuer),
    sans: (cert.subjectaltname ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
    notBefore: new Date(cert.valid_from).toISOString(),
    notAfter: new Date(cert.valid_to).toISOString(),
    fingerprint256: cert.fingerprint256,
  };
}

function distinguishedName(name: Record<string, string | string[] | undefined> | undefined): string {
  if (!name) return '';
  return Object.entries(name)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : v}`)
    .join(', ');
}

/** Which CA file holds the certificate that issued the top of the served chain (or is it). */
function issuingCaFile(
  chain: readonly X509Certificate[],
  files: readonly string[],
  pems: readonly string[],
): string | undefined {
  const top = chain[chain.length - 1];
  if (!top) return undefined;
  for (const [i, pem] of pems.entries()) {
    for (const ca of splitPem(pem)) {
      if (ca.fingerprint256 === top.fingerprint256 || (top.checkIssued(ca) && top.verify(ca.publicKey))) {
        return files[i];
      }
    }
  }
  return undefined;
}

function splitPem(pem: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.flatMap((b) => {
    try {
      return [new X509Certificate(b)];
    } catch {
      return [];
    }
  });
}
