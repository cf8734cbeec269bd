import { errorMessage } from '../../core/errors.js';
import type { KubeConnection } from './connection.js';
import { KubeApiError } from './errors.js';

/** What the API server says about the namespace of `-n NS`. */
export type NamespaceCheck =
  | { readonly kind: 'exists' }
  | { readonly kind: 'missing' }
  /** The server could not be asked (403 on namespaces, an outage): never taken for "missing". */
  | { readonly kind: 'unverified'; readonly reason: string };

/**
 * GET /api/v1/namespaces/NS once. Only a 404 means the namespace does not exist; a 403 (a user
 * allowed to read pods in NS but not the Namespace object is common) or any other failure only
 * means we could not tell.
 */
export async function checkNamespace(
  kube: KubeConnection,
  name: string,
  signal?: AbortSignal,
): Promise<NamespaceCheck> {
  try {
    await kube.getJson(`/api/v1/namespaces/${encodeURIComponent(name)}`, signal, 10_000);
    return { kind: 'exists' };
  } catch (err) {
    if (err instanceof KubeApiError && err.statusCode === 404) return { kind: 'missing' };
    if (err instanceof KubeApiError && err.statusCode === 403)
      return { kind: 'unverified', reason: `forbidden to get namespaces/${name} (403)` };
    return { kind: 'unverified', reason: errorMessage(err) };
  }
}
