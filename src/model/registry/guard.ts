import { isPublicRegistry } from '../images/registries.js';

/**
 * The "never dial a public registry" guard. An air-gapped cluster's check must not send traffic to
 * the internet (and from a jump host it might succeed, proving nothing about the nodes): a public
 * endpoint is judged from the configuration, never contacted. The list is the images check's own,
 * so "public" means one thing across airgap-top. A trailing dot (FQDN form) does not hide a host.
 */
export function isPublicRegistryHost(host: string): boolean {
  const bare = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  if (bare === '') return false;
  return isPublicRegistry(bare.includes(':') ? `[${bare}]` : bare);
}
