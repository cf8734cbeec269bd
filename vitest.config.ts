import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    // Integration tests start real servers (sshd, vcsim, the simulator); two cores only.
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
    // No test resolves a made-up name: DNS answers only localhost (see the file).
    setupFiles: ['test/setup/no-dns.mjs'],
  },
});
