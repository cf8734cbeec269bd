/** The contract of the Kubernetes API simulator, for tests, the demo, the bench and --from-dump. */
export interface RecordedRequest {
  readonly verb: string;
  readonly method: string;
  readonly path: string;
  readonly userAgent: string;
  readonly status: number;
  /** Time to serve (to the last byte written; for watches, the stream's lifetime). */
  readonly durationMs?: number;
  /**
   * Event-loop time the simulator was busy while this request was open (routing, serialising, TLS
   * encryption), without the time spent waiting for the client to read. Other concurrent requests
   * count too, so read it where nothing else runs.
   */
  readonly busyMs?: number;
  /** Body bytes written. */
  readonly bytes?: number;
}

export interface FaultController {
  /** Cut every watch stream after it has sent N more events. */
  cutWatchesAfter(events: number): void;
  /**
   * The next watch request (or the next N) answers 410 Gone; with a User-Agent prefix, the next
   * N watches of that client only (two clients of one simulator race for untargeted ones).
   */
  goneOnNextWatch(count?: number, userAgentPrefix?: string): void;
  /** Added latency on every request. */
  latency(ms: number): void;
  /** The next N requests answer this status (500, 429 with Retry-After seconds). */
  failNext(count: number, status: 500 | 429 | 503, retryAfterSeconds?: number): void;
  clear(): void;
}

export interface SimulatorHandle {
  /** https://127.0.0.1:PORT */
  readonly url: string;
  /** A kubeconfig file (CA data + bearer token) that kubectl and client-node accept. */
  readonly kubeconfigPath: string;
  readonly token: string;
  /** Every request served, in order. */
  readonly requests: readonly RecordedRequest[];
  readonly faults: FaultController;
  /** Create or replace an object as a client would (emits ADDED/MODIFIED to watchers). */
  apply(object: Record<string, unknown>): void;
  /** Delete an object (emits DELETED). */
  remove(apiVersion: string, kind: string, name: string, namespace?: string): boolean;
  close(): Promise<void>;
}
