import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Writes a kubeconfig for the simulator (bearer token, CA data) to `out`, or to a fresh temporary
 * folder that the caller removes on close.
 */
export function writeKubeconfig(
  out: string | undefined,
  url: string,
  caPem: string,
  token: string,
): { kubeconfigPath: string; tempDir?: string } {
  let tempDir: string | undefined;
  let kubeconfigPath = out;
  if (!kubeconfigPath) {
    tempDir = mkdtempSync(join(tmpdir(), 'airgap-top-sim-'));
    kubeconfigPath = join(tempDir, 'kubeconfig');
  }
  writeFileSync(kubeconfigPath, kubeconfigText(url, caPem, token), { mode: 0o600 });
  return { kubeconfigPath, tempDir };
}

function kubeconfigText(url: string, caPem: string, token: string): string {
  const ca = Buffer.from(caPem).toString('base64');
  return `apiVersion: v1
kind: Config
clusters:
- name: airgap-top-sim
  cluster:
    server: ${url}
    certificate-authority-data: ${ca}
users:
- name: airgap-top-sim
  user:
    token: ${token}
contexts:
- name: airgap-top-sim
  context:
    cluster: airgap-top-sim
    user: airgap-top-sim
current-context: airgap-top-sim
preferences: {}
`;
}
