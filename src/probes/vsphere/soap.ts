import { request } from 'node:https';
import type { LookupFunction } from 'node:net';
import { XMLParser } from 'fast-xml-parser';
import { errorMessage } from '../../core/errors.js';
import { secrets } from '../../core/redact.js';

/**
 * A small vim25 SOAP transport: one POST per call to https://SERVER/sdk, the session cookie resent,
 * SOAP faults turned into VimFault. Responses are parsed with fast-xml-parser; requests are built from
 * escaped strings. The request body (which carries the password on Login) is never logged or put in
 * an error.
 */

const ARRAY_TAGS = new Set(['objects', 'propSet', 'missingSet', 'ManagedObjectReference', 'pathSet']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  isArray: (name, jpath) =>
    ARRAY_TAGS.has(name) ||
    (name === 'returnval' && String(jpath).endsWith('FetchDVPortsResponse.returnval')),
});

export function parseSoapXml(text: string): Record<string, unknown> {
  return parser.parse(text) as Record<string, unknown>;
}

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** `<urn:NAME type="TYPE">MOID</urn:NAME>` */
export function moref(element: string, type: string, moid: string): string {
  return `<urn:${element} type="${escapeXml(type)}">${escapeXml(moid)}</urn:${element}>`;
}

export function envelope(body: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:vim25" ' +
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>' +
    body +
    '</soapenv:Body></soapenv:Envelope>'
  );
}

/** A SOAP fault from vCenter: `faultType` is the vim25 fault (InvalidLogin, NotAuthenticated, ...). */
export class VimFault extends Error {
  override readonly name = 'VimFault';
  constructor(
    readonly faultType: string,
    message: string,
  ) {
    super(message);
  }
}

/** The connection failed before vCenter answered (TLS, refused, timeout): `code` is Node's error code. */
export class VimTransportError extends Error {
  override readonly name = 'VimTransportError';
  constructor(
    readonly code: string,
    message: string,
    readonly tls: boolean,
  ) {
    super(message);
  }
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_SIGNATURE_FAILURE',
  'EPROTO',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

export interface SoapTransportOptions {
  /** https://host[:port]/sdk */
  readonly url: URL;
  /** PEM bundle to trust (ca_file, or the system store). */
  readonly ca?: string | readonly string[];
  readonly insecure: boolean;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** Name resolution for the server (ProbeContext.resolve), so tests never look up made-up names. */
  readonly lookup?: LookupFunction;
}

export class SoapTransport {
  private cookie: string | undefined;
  /** `urn:vim25/<apiVersion>`: the release decides which fields vCenter sends (macManagementPolicy needs 6.7.1+). */
  soapAction = 'urn:vim25/6.0';
  /** Counters for tests and the bench. */
  readonly stats = { calls: 0, bytesIn: 0 };

  constructor(private readonly options: SoapTransportOptions) {}

  /** Sends one method call; resolves to the parsed `<METHODResponse>` element. */
  async call(method: string, bodyXml: string): Promise<Record<string, unknown>> {
    return readSoapResponse(method, await this.post(envelope(bodyXml)));
  }

  private post(payload: string): Promise<string> {
    const { url, ca, insecure, timeoutMs, signal, lookup } = this.options;
    this.stats.calls += 1;
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method: 'POST',
          ca: ca as string | string[] | undefined,
          rejectUnauthorized: !insecure,
          lookup,
          signal,
          timeout: timeoutMs,
          headers: {
            'Content-Type': 'text/xml; charset=utf-8',
            SOAPAction: `"${this.soapAction}"`,
            'User-Agent': 'airgap-top',
            ...(this.cookie ? { Cookie: this.cookie } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (err) => reject(transportError(err, url)));
          res.on('end', () => {
            const setCookie = res.headers['set-cookie'];
            for (const c of setCookie ?? []) {
              const m = /^\s*(vmware_soap_session=[^;]+)/.exec(c);
              if (m?.[1]) {
                this.cookie = m[1];
                // The session cookie is as good as the password while it lives.
                secrets.add(m[1].slice('vmware_soap_session='.length).replace(/"/g, ''));
              }
            }
            const text = Buffer.concat(chunks).toString('utf8');
            this.stats.bytesIn += text.length;
            // SOAP faults come with HTTP 500 and an XML body: let call() read them.
            if (res.statusCode && res.statusCode >= 400 && !text.includes('Envelope')) {
              reject(
                new VimTransportError(
                  `HTTP${res.statusCode}`,
                  `${url.host} answered HTTP ${res.statusCode} on ${url.pathname}: is this a vCenter SDK endpoint?`,
                  false,
                ),
              );
              return;
            }
            resolve(text);
          });
        },
      );
      req.on('timeout', () => {
        req.destroy(
          new VimTransportError(
            'ETIMEDOUT',
            `vCenter ${url.host} did not answer within ${timeoutMs / 1000}s`,
            false,
          ),
        );
      });
      req.on('error', (err) => reject(transportError(err, url)));
      req.end(payload);
    });
  }

  get loggedIn(): boolean {
    return this.cookie !== undefined;
  }

  forgetSession(): void {
    this.cookie = undefined;
  }
}

/** Parses a SOAP answer: the `<METHODResponse>` element, or a VimFault for a SOAP fault. */
export function readSoapResponse(method: string, text: string): Record<string, unknown> {
  // SOAP 1.1 forbids a DTD; refusing one up front rules out entity-expansion tricks.
  if (/<!DOCTYPE/i.test(text.slice(0, 4096))) {
    throw new VimFault(
      'ParseError',
      `vCenter's answer to ${method} carries a DTD, which SOAP does not allow`,
    );
  }
  let doc: Record<string, unknown>;
  try {
    doc = parseSoapXml(text);
  } catch (err) {
    throw new VimFault(
      'ParseError',
      `vCenter sent an answer to ${method} that is not XML: ${errorMessage(err)}`,
    );
  }
  const body = (doc.Envelope as Record<string, unknown> | undefined)?.Body as
    | Record<string, unknown>
    | undefined;
  if (!body) throw new VimFault('ParseError', `vCenter's answer to ${method} has no SOAP body`);
  const fault = body.Fault as Record<string, unknown> | undefined;
  if (fault) throw faultOf(method, fault);
  const response = body[`${method}Response`];
  if (response === undefined)
    throw new VimFault('ParseError', `vCenter's answer to ${method} has no ${method}Response`);
  return (typeof response === 'object' && response !== null ? response : {}) as Record<string, unknown>;
}

function faultOf(method: string, fault: Record<string, unknown>): VimFault {
  const message = typeof fault.faultstring === 'string' ? fault.faultstring : 'SOAP fault';
  const detail = fault.detail as Record<string, unknown> | undefined;
  let type = 'Fault';
  if (detail && typeof detail === 'object') {
    const [first, inner] = Object.entries(detail)[0] ?? [];
    const xsiType =
      inner && typeof inner === 'object' ? (inner as Record<string, unknown>)['@_type'] : undefined;
    type = typeof xsiType === 'string' ? xsiType.replace(/^.*:/, '') : (first ?? type).replace(/Fault$/, '');
  }
  return new VimFault(type, `${method}: ${type}: ${message}`);
}

function transportError(err: unknown, url: URL): VimTransportError {
  if (err instanceof VimTransportError) return err;
  const e = err as NodeJS.ErrnoException & { reason?: string };
  const code = e.code ?? 'ERROR';
  if (TLS_CODES.has(code) || /certificate|SSL|TLS/i.test(e.message ?? '')) {
    return new VimTransportError(
      code,
      `TLS: the certificate of ${url.host} is not trusted (${code}: ${e.message}). Set [vsphere] ca_file to the vCenter root CA (https://${url.host}/certs/download.zip), or insecure = true / --vsphere-insecure to skip verification (shown in the report).`,
      true,
    );
  }
  if (e.name === 'AbortError') return new VimTransportError('ABORTED', 'stopped', false);
  const why: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ETIMEDOUT: 'timed out',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
    ENOTFOUND: 'name not found',
    EAI_AGAIN: 'name lookup failed',
    ECONNRESET: 'connection reset',
  };
  return new VimTransportError(
    code,
    `vCenter ${url.host} unreachable: ${why[code] ?? e.message} (${code})`,
    false,
  );
}
