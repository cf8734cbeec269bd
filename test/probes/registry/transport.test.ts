import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionPool, exchange, NetworkError } from '../../../src/probes/registry/transport.js';

/**
 * A registry on loopback that answers `answered` requests per connection, keep-alive, and then
 * closes the connection as the next request on it arrives, without an answer: a server that closed
 * an idle keep-alive connection just as the client reused it.
 */
async function closingRegistry(
  answered: number,
): Promise<{ url: string; connections: () => number; server: Server }> {
  const served = new WeakMap<Socket, number>();
  let connections = 0;
  const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    const socket = req.socket;
    const n = served.get(socket) ?? 0;
    if (n >= answered) {
      socket.destroy();
      return;
    }
    served.set(socket, n + 1);
    res.writeHead(200, { 'docker-content-digest': `sha256:${'a'.repeat(64)}`, 'content-length': '0' });
    res.end();
  });
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: () => connections,
    server,
  };
}

let open: Server | undefined;
afterEach(async () => {
  open?.closeAllConnections();
  await new Promise((r) => open?.close(r) ?? r(undefined));
  open = undefined;
});

const head = (url: string) => ({
  url: new URL(`${url}/v2/tkg/app/manifests/1.0`),
  method: 'HEAD' as const,
  headers: {},
  endpoint: { scheme: 'http' as const, host: '127.0.0.1' },
  timeoutMs: 5000,
});

describe('a kept-alive registry connection closed under the client', () => {
  it('the request is asked again on a new connection, not judged unreachable', async () => {
    const registry = await closingRegistry(1);
    open = registry.server;
    const pool = new ConnectionPool(1);
    try {
      const first = await exchange(head(registry.url), { pool, key: 'k' });
      expect(first.status).toBe(200);
      // The same connection is reused, and closed by the server before it answers.
      const second = await exchange(head(registry.url), { pool, key: 'k' });
      expect(second.status).toBe(200);
      expect(registry.connections()).toBe(2);
    } finally {
      pool.close();
    }
  });

  it('a reset on a new connection is the registry answer: not asked again', async () => {
    const registry = await closingRegistry(0);
    open = registry.server;
    const pool = new ConnectionPool(1);
    try {
      const failed = await exchange(head(registry.url), { pool, key: 'k' }).catch((e: unknown) => e);
      expect(failed).toBeInstanceOf(NetworkError);
      expect((failed as NetworkError).failure).toBe('reset');
      expect(registry.connections()).toBe(1);
    } finally {
      pool.close();
    }
  });
});
