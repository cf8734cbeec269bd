import { type ResourceRegistry, type ResourceType, resourceTypeFromCrd } from './resources.js';
import { type KMetadata, type KObject, kubeTimestamp, type ObjectStore, type StoredObject } from './store.js';

/** An API error the handler turns into a `Status` object. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export function statusObject(
  code: number,
  reason: string,
  message: string,
  details?: Record<string, unknown>,
) {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}

export function notFound(type: ResourceType, name: string): ApiError {
  const what = type.group ? `${type.plural}.${type.group}` : type.plural;
  return new ApiError(404, 'NotFound', `${what} "${name}" not found`, {
    name,
    group: type.group,
    kind: type.plural,
  });
}

export const DEFAULT_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

function specOf(obj: KObject): string {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return JSON.stringify(rest);
}

/**
 * What the API server does around storage: defaulting metadata, optimistic concurrency, the status
 * subresource, finalizers, namespaces that must exist, and CRDs that register new resources.
 */
export class ApiObjects {
  constructor(
    readonly store: ObjectStore,
    readonly registry: ResourceRegistry,
    private readonly now: () => Date = () => new Date(),
  ) {}

  typeOf(obj: KObject): ResourceType {
    const type = this.registry.byKind(String(obj.apiVersion ?? ''), String(obj.kind ?? ''));
    if (!type) {
      throw new ApiError(
        400,
        'BadRequest',
        `no kind "${obj.kind}" is registered for version "${obj.apiVersion}"`,
      );
    }
    return type;
  }

  ensureNamespace(name: string | undefined): void {
    if (!name) return;
    const nsType = this.registry.get('', 'namespaces');
    if (!nsType || this.store.get(nsType, undefined, name)) return;
    this.create(nsType, {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
  }

  /** Creates; `namespace` is the namespace of the URL (wins over an absent metadata.namespace). */
  create(
    type: ResourceType,
    body: KObject,
    options: {
      namespace?: string;
      dryRun?: boolean;
      requireNamespace?: boolean;
      /**
       * Scenario loading: an object captured while being deleted (deletionTimestamp and finalizers,
       * as `kubectl get -o yaml` shows a claim held by its provider) loads as it was. An API create
       * never sets it, as on a real server.
       */
      keepDeletion?: boolean;
    } = {},
  ): StoredObject | KObject {
    const meta: KMetadata = { ...((body.metadata ?? {}) as KMetadata) };
    if (type.namespaced) {
      if (options.namespace && meta.namespace && meta.namespace !== options.namespace) {
        throw new ApiError(
          400,
          'BadRequest',
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      meta.namespace = meta.namespace ?? options.namespace ?? 'default';
    } else delete meta.namespace;
    if (!meta.name && meta.generateName) {
      let suffix = '';
      for (let i = 0; i < 5; i++) suffix += NAME_CHARS[Math.floor(Math.random() * NAME_CHARS.length)];
      meta.name = `${meta.generateName}${suffix}`;
    }
    if (!meta.name) {
      throw new ApiError(
        422,
        'Invalid',
        `${type.kind} "" is invalid: metadata.name: Required value: name or generateName is required`,
        {
          kind: type.kind,
          group: type.group,
        },
      );
    }
    if (type.namespaced && options.requireNamespace) {
      const nsType = this.registry.get('', 'namespaces');
      if (nsType && !this.store.get(nsType, undefined, meta.namespace ?? '')) {
        throw new ApiError(404, 'NotFound', `namespaces "${meta.namespace}" not found`, {
          name: meta.namespace,
          kind: 'namespaces',
        });
      }
    }
    if (this.store.get(type, meta.namespace, meta.name)) {
      const what = type.group ? `${type.plural}.${type.group}` : type.plural;
      throw new ApiError(409, 'AlreadyExists', `${what} "${meta.name}" already exists`, {
        name: meta.name,
        group: type.group,
        kind: type.plural,
      });
    }
    meta.uid = meta.uid ?? this.store.newUid();
    meta.creationTimestamp = meta.creationTimestamp ?? kubeTimestamp(this.now());
    meta.generation = meta.generation ?? 1;
    delete meta.resourceVersion;
    if (!options.keepDeletion || (meta.finalizers ?? []).length === 0) {
      delete meta.deletionTimestamp;
      delete meta.deletionGracePeriodSeconds;
    }
    const object: KObject = { ...body, metadata: meta };
    // A new pod starts Pending until a scheduler/kubelet (here: the scenario) says otherwise.
    if (type.group === '' && type.kind === 'Pod' && object.status === undefined)
      object.status = { phase: 'Pending', qosClass: 'BestEffort' };
    if (options.dryRun) return object;
    if (type.namespaced && !options.requireNamespace) this.ensureNamespace(meta.namespace);
    const entry = this.store.put(type, object);
    this.afterWrite(type, entry.object);
    return entry;
  }

  /**
   * Replaces an existing object. `subresource: 'status'` takes only the status; a main-resource
   * write keeps the stored status for kinds with a status subresource (as the real server does).
   */
  update(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    body: KObject,
    options: { subresource?: string; dryRun?: boolean; force?: boolean } = {},
  ): StoredObject | KObject {
    const existing = this.store.get(type, namespace, name);
    if (!existing) throw notFound(type, name);
    const old = existing.object;
    const oldMeta = old.metadata as KMetadata;
    const bodyMeta = (body.metadata ?? {}) as KMetadata;
    if (bodyMeta.name && bodyMeta.name !== name) {
      throw new ApiError(
        400,
        'BadRequest',
        `the name of the object (${bodyMeta.name}) does not match the name on the URL (${name})`,
      );
    }
    if (!options.force && bodyMeta.resourceVersion && bodyMeta.resourceVersion !== oldMeta.resourceVersion) {
      const what = type.group ? `${type.plural}.${type.group}` : type.plural;
      throw new ApiError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${what} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
        { name, group: type.group, kind: type.plural },
      );
    }
    let next: KObject;
    if (options.subresource === 'status') {
      next = { ...old, status: body.status };
    } else {
      next = { ...body };
      if (type.statusSubresource && !options.force) {
        if (old.status === undefined) delete next.status;
        else next.status = old.status;
      }
      const meta: KMetadata = { ...bodyMeta };
      meta.name = name;
      if (type.namespaced) meta.namespace = oldMeta.namespace;
      else delete meta.namespace;
      meta.uid = oldMeta.uid;
      meta.creationTimestamp = oldMeta.creationTimestamp;
      // Only a delete starts a deletion; the scenario (force) may replay one it captured.
      if (oldMeta.deletionTimestamp) meta.deletionTimestamp = oldMeta.deletionTimestamp;
      else if (!options.force) delete meta.deletionTimestamp;
      meta.generation = (oldMeta.generation ?? 1) + (specOf(next) !== specOf(old) ? 1 : 0);
      next.metadata = meta;
    }
    if (options.dryRun) return next;
    const meta = next.metadata as KMetadata;
    if (meta.deletionTimestamp && (meta.finalizers ?? []).length === 0) {
      // The last finalizer is gone: the object goes away, as a real server would do now.
      const gone = this.store.remove(type, namespace, name);
      return gone ?? existing;
    }
    const entry = this.store.put(type, next);
    this.afterWrite(type, entry.object);
    return entry;
  }

  /** Graceful delete: objects with finalizers get a deletionTimestamp and stay until they are removed. */
  delete(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    options: { dryRun?: boolean; force?: boolean } = {},
  ): StoredObject {
    const existing = this.store.get(type, namespace, name);
    if (!existing) throw notFound(type, name);
    if (options.dryRun) return existing;
    const meta = existing.object.metadata as KMetadata;
    if (!options.force && (meta.finalizers ?? []).length > 0) {
      if (meta.deletionTimestamp) return existing;
      return this.store.put(type, {
        ...existing.object,
        metadata: { ...meta, deletionTimestamp: kubeTimestamp(this.now()), deletionGracePeriodSeconds: 0 },
      });
    }
    return this.store.remove(type, namespace, name) as StoredObject;
  }

  /** Create or replace (the handle and timeline use this; it is not an HTTP verb). */
  apply(obj: KObject): StoredObject {
    const type = this.typeOf(obj);
    const meta = (obj.metadata ?? {}) as KMetadata;
    const namespace = type.namespaced ? (meta.namespace ?? 'default') : undefined;
    const name = String(meta.name ?? '');
    if (name && this.store.get(type, namespace, name)) {
      return this.update(
        type,
        namespace,
        name,
        { ...obj, metadata: { ...meta, resourceVersion: undefined } },
        { force: true },
      ) as StoredObject;
    }
    return this.create(type, obj, { namespace, keepDeletion: true }) as StoredObject;
  }

  private afterWrite(type: ResourceType, obj: KObject): void {
    if (type.kind === 'CustomResourceDefinition' && type.group === 'apiextensions.k8s.io') {
      const crdType = resourceTypeFromCrd(obj);
      if (crdType) this.registry.add(crdType);
    }
  }
}
