import { parseWwwAuthenticate, preferredChallenge } from '../../model/registry/auth.js';
import { isPublicRegistryHost } from '../../model/registry/guard.js';
import type { ManifestProbe, RegistryEndpoint } from '../../model/registry/types.js';
import { MANIFEST_ACCEPT, manifestUrl } from '../../model/registry/url.js';
import { RegistryClient } from './client.js';
import type { ExchangeResponse } from './transport.js';

/** A registry client that also reads bodies: what the readiness probe reads BOM images with. */
export class ArtifactReader extends RegistryClient {
  /**
   * Reads one manifest or blob body (GET, anonymous token or credentials as a pull would): the
   * readiness probe reads a BOM image (tkg-bom / tkr-bom) from the private registry this way. Never
   * a public registry; the body is capped (maxBodyBytes) and its digest computed.
   */
  async read(
    endpoint: RegistryEndpoint,
    repository: string,
    what: { readonly manifest: string } | { readonly blob: string },
    maxBodyBytes = 16 * 1024 * 1024,
  ): Promise<ExchangeResponse> {
    if (isPublicRegistryHost(endpoint.host)) {
      throw new Error(`${endpoint.host} is a public registry: airgap-top never dials one`);
    }
    const reference = 'manifest' in what ? what.manifest : what.blob;
    const base = manifestUrl({ endpoint: { ...endpoint, ns: undefined }, repository, reference });
    const url = new URL(
      'manifest' in what ? base : base.replace(/\/manifests\/[^/?]*$/, `/blobs/${reference}`),
    );
    const accept = 'manifest' in what ? MANIFEST_ACCEPT : '*/*';
    const probe: ManifestProbe = { endpoint, repository, reference };
    let authorization: string | undefined;
    for (let attempt = 0; ; attempt++) {
      const res = await this.limited(() =>
        this.send('manifest', { url, method: 'GET', endpoint, authorization, accept, maxBodyBytes }),
      );
      if (res.status !== 401 || attempt > 0) return res;
      const challenge = preferredChallenge(parseWwwAuthenticate(res.headers['www-authenticate']));
      if (!challenge) return res;
      const prepared = await this.authorize(challenge, probe, this.credentialFor(endpoint));
      if ('answer' in prepared || prepared.authorization === undefined) return res;
      authorization = prepared.authorization;
    }
  }
}
