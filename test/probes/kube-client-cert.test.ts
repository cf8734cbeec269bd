import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeConnectionFromText } from '../../src/probes/kube/connection.js';
import { issueLeaf, makeCa, tempDir } from '../helpers/registry.js';

/**
 * A kubeconfig with a client certificate (the TKG admin kubeconfig's kind of credentials) against
 * an API server that demands one: the agent's one TLS context must carry the certificate and key
 * to every socket it opens.
 */
const b64 = (file: string) => readFileSync(file).toString('base64');

describe('kube connection with a client certificate', () => {
  const tmp = tempDir('airgap-top-kube-mtls-');
  let server: Server;
  let kubeconfig: (withClientCert: boolean) => string;

  beforeAll(async () => {
    const ca = makeCa(tmp.dir, 'kube-ca');
    const serving = issueLeaf(ca, `${tmp.dir}/apiserver`, { sans: 'IP:127.0.0.1', cn: 'kube-apiserver' });
    const client = issueLeaf(ca, `${tmp.dir}/admin`, {
      sans: 'DNS:admin',
      cn: 'kubernetes-admin',
      usage: 'clientAuth',
    });
    server = createServer(
      {
        cert: readFileSync(serving.certFile),
        key: readFileSync(serving.keyFile),
        ca: readFileSync(ca.certFile),
        requestCert: true,
        rejectUnauthorized: true,
      },
      (req, res) => {
        const peer = (req.socket as TLSSocket).getPeerCertificate();
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify({ path: req.url, user: peer.subject?.CN }));
      },
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    kubeconfig = (withClientCert) =>
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        '- name: c',
        '  cluster:',
        `    server: https://127.0.0.1:${port}`,
        `    certificate-authority-data: ${b64(ca.certFile)}`,
        'users:',
        '- name: admin',
        '  user:',
        ...(withClientCert
          ? [
              `    client-certificate-data: ${b64(client.certFile)}`,
              `    client-key-data: ${b64(client.keyFile)}`,
            ]
          : ['    token: not-a-certificate']),
        'contexts:',
        '- name: c',
        '  context: {cluster: c, user: admin}',
        'current-context: c',
        '',
      ].join('\n');
  });

  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    tmp.remove();
  });

  it('presents the certificate on every socket, concurrent ones included', async () => {
    const connection = kubeConnectionFromText(kubeconfig(true), 'test kubeconfig');
    try {
      const answers = await Promise.all(
        ['/api', '/apis', '/api/v1/pods', '/api/v1/nodes'].map((path) => connection.getJson(path)),
      );
      expect(answers).toEqual([
        { path: '/api', user: 'kubernetes-admin' },
        { path: '/apis', user: 'kubernetes-admin' },
        { path: '/api/v1/pods', user: 'kubernetes-admin' },
        { path: '/api/v1/nodes', user: 'kubernetes-admin' },
      ]);
    } finally {
      connection.close();
    }
  });

  it('without one, the server refuses the handshake (the test above is not vacuous)', async () => {
    const connection = kubeConnectionFromText(kubeconfig(false), 'test kubeconfig');
    try {
      await expect(connection.getJson('/api')).rejects.toThrow();
    } finally {
      connection.close();
    }
  });
});
