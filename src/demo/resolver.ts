/**
 * The demo never asks DNS: its names are made up, and a demo must send no traffic off the machine.
 * Loopback names answer loopback; every other name answers "does not resolve", as it would
 * inside an air gap.
 */
export const demoResolver = async (hostname: string): Promise<string[]> => {
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) return ['127.0.0.1'];
  const error = new Error(`getaddrinfo ENOTFOUND ${hostname}`) as NodeJS.ErrnoException;
  error.code = 'ENOTFOUND';
  throw error;
};
