import type { AskSecret, SecretRequest } from '../probes/types.js';

export interface PendingSecret extends SecretRequest {
  readonly id: number;
}

/**
 * The queue between probes that need a secret (`ask`, handed to the Session as askSecret) and the
 * screen that asks for it (`current`, `answer`, `subscribe`). The session is opened before the TUI
 * draws, so this sits in between. It never holds an answer: `answer` passes it straight to the probe.
 */
export class SecretPrompts {
  private readonly queue: { readonly request: PendingSecret; readonly resolve: (v?: string) => void }[] = [];
  private readonly listeners = new Set<() => void>();
  private nextId = 1;
  private closed = false;

  readonly ask: AskSecret = (request) =>
    new Promise<string | undefined>((resolve) => {
      if (this.closed) {
        resolve(undefined);
        return;
      }
      this.queue.push({
        request: { probe: request.probe, label: request.label, id: this.nextId++ },
        resolve,
      });
      this.notify();
    });

  /** The request on screen (the oldest), if any. */
  get current(): PendingSecret | undefined {
    return this.queue[0]?.request;
  }

  /** The typed value, or undefined for a cancel. */
  answer(id: number, value: string | undefined): void {
    const index = this.queue.findIndex((q) => q.request.id === id);
    const entry = this.queue[index];
    if (!entry) return;
    this.queue.splice(index, 1);
    entry.resolve(value === '' ? undefined : value);
    this.notify();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** The screen is going away: every waiting probe gets a cancel, later asks too. */
  close(): void {
    this.closed = true;
    for (const entry of this.queue.splice(0)) entry.resolve(undefined);
    this.notify();
  }

  private notify(): void {
    for (const l of this.listeners) l();
  }
}
