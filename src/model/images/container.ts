import { makeFinding } from '../checks/index.js';
import type { Finding, Subject } from '../finding.js';
import { originOf, type Policy, pulledOf } from './policy.js';
import { diagnosePullFailure } from './pull-failure.js';
import { PULL_FAILURE_REASONS } from './records.js';
import { isPublicRegistry } from './registries.js';
import type { ContainerRecord, PodRecord } from './types.js';

/** The findings of one container: its image's origin, a failing pull, and the digest the node reports. */

function workloadLabel(pod: PodRecord): string {
  return `${pod.workload.kind} ${pod.namespace}/${pod.workload.name}`;
}

function containerLabel(c: ContainerRecord): string {
  return c.kind === 'container' ? `container ${c.name}` : `${c.kind} ${c.name}`;
}

/** All findings of one container, before [[ignore]] rules. */
export function rawFindings(pod: PodRecord, c: ContainerRecord, policy: Policy, subject: Subject): Finding[] {
  const origin = originOf(c.image, policy);
  const evidence: Record<string, unknown> = {
    image: c.image,
    reference: origin.normalised ?? null,
    registry: origin.ref?.domain ?? null,
    imageID: c.imageID ?? null,
    node: pod.nodeName ?? null,
    workload: `${pod.workload.kind}/${pod.workload.name}`,
    containerKind: c.kind,
    waitingReason: c.waitingReason ?? null,
    waitingMessage: c.waitingMessage ?? null,
  };
  if (origin.matchedPrefix !== undefined) evidence.matchedPrefix = origin.matchedPrefix;
  if (origin.expectedLayout !== undefined) evidence.expectedLayout = origin.expectedLayout;
  if (origin.error !== undefined) evidence.parseError = origin.error;
  if (c.pullError !== undefined) {
    evidence.pullError = c.pullError;
    evidence.pullErrorCount = c.pullErrorCount ?? null;
    evidence.pullErrorAt = c.pullErrorAt ?? null;
  }
  const pulled = pulledOf(c.imageID, policy);
  if (pulled) {
    evidence.pulledRegistry = pulled.ref.domain;
    evidence.pulledRepository = pulled.name;
    evidence.pulledDigest = pulled.digest ?? null;
  }
  const who = `${workloadLabel(pod)} (pod ${pod.name}, ${containerLabel(c)})`;
  const allowed = policy.allowedLabel;
  const out: Finding[] = [];

  switch (origin.code) {
    case 'IMG-006': {
      const kubelet =
        c.waitingReason === 'InvalidImageName' && c.waitingMessage ? ` Kubelet: ${c.waitingMessage}` : '';
      out.push(
        makeFinding('IMG-006', {
          subject,
          title: `Invalid image reference "${c.image}"`,
          detail: `${who} has image "${c.image}": ${origin.error}.${kubelet}`,
          evidence,
        }),
      );
      break;
    }
    case 'IMG-001':
      out.push(
        makeFinding('IMG-001', {
          subject,
          title: `${origin.normalised} is private`,
          detail: `${who} runs ${origin.normalised}, under the allowed prefix ${origin.matchedPrefix}.`,
          evidence,
        }),
      );
      break;
    case 'IMG-008':
      out.push(
        makeFinding('IMG-008', {
          subject,
          title: `${origin.normalised} is outside the CSE layout`,
          detail: `${who} runs ${origin.normalised}: private (${origin.matchedPrefix}) but not under ${origin.expectedLayout?.join(', ')}, the sibling paths CSE 4.2+ requires.`,
          evidence,
        }),
      );
      break;
    case 'IMG-009':
      out.push(
        makeFinding('IMG-009', {
          subject,
          title: `${origin.normalised} relies on the node's gcr.io mirror`,
          detail: `${who} runs ${origin.normalised}. On GDC this is private only if containerd on node ${pod.nodeName ?? '(not scheduled yet)'} mirrors gcr.io to the private registry and the image is there; otherwise containerd falls back to gcr.io.`,
          evidence,
        }),
      );
      break;
    case 'IMG-002':
      out.push(
        makeFinding('IMG-002', {
          subject,
          title: `${workloadLabel(pod)} runs ${origin.normalised} from public ${origin.ref?.domain}`,
          detail: `${who} runs ${origin.normalised}${c.image !== origin.normalised ? ` (written "${c.image}")` : ''}, from the public registry ${origin.ref?.domain}. Allowed: ${allowed}.`,
          evidence,
        }),
      );
      break;
    default:
      out.push(
        makeFinding('IMG-003', {
          subject,
          severity: origin.severity,
          title:
            origin.severity === 'info'
              ? `${origin.normalised}: unverified (no private registry configured)`
              : `${workloadLabel(pod)} runs ${origin.normalised} from unlisted registry ${origin.ref?.domain}`,
          detail:
            origin.severity === 'info'
              ? `${who} runs ${origin.normalised} from ${origin.ref?.domain}; whether that registry is private cannot be judged until [registry] private is set.`
              : `${who} runs ${origin.normalised} from ${origin.ref?.domain}, which is not under any allowed prefix (${allowed}).`,
          evidence,
        }),
      );
  }

  if (c.waitingReason && PULL_FAILURE_REASONS.has(c.waitingReason)) {
    const why = c.pullError ?? c.waitingMessage ?? '';
    const diagnosis = diagnosePullFailure(why, origin.ref ? isPublicRegistry(origin.ref.domain) : false);
    if (diagnosis) evidence.pullDiagnosis = diagnosis.cause;
    const event = c.pullError
      ? ` Last pull error${c.pullErrorCount && c.pullErrorCount > 1 ? ` (${c.pullErrorCount}×, last ${c.pullErrorAt})` : ''}: ${c.pullError}`
      : '';
    out.push(
      makeFinding('IMG-005', {
        subject,
        title: `${c.waitingReason}${diagnosis ? ` (${diagnosis.cause})` : ''}: ${origin.normalised ?? c.image}`,
        detail: `${who} cannot pull ${origin.normalised ?? c.image} on node ${pod.nodeName ?? '(none)'}: ${c.waitingReason}${c.waitingMessage ? `: ${c.waitingMessage}` : ''}.${event}`,
        evidence,
        remedy: diagnosis?.remedy,
      }),
    );
  } else if (c.waitingReason === 'InvalidImageName' && origin.code !== 'IMG-006') {
    // The kubelet rejected a string our grammar accepts: report the kubelet's view.
    out.push(
      makeFinding('IMG-006', {
        subject,
        title: `Invalid image reference "${c.image}" (kubelet)`,
        detail: `${who}: the kubelet rejects "${c.image}": ${c.waitingMessage ?? 'InvalidImageName'}`,
        evidence,
      }),
    );
  }

  if (origin.ref && pulled && pulled.ref.domain.toLowerCase() !== origin.ref.domain.toLowerCase()) {
    const pulledPrivate = pulled.private;
    const pulledName = pulled.name;
    out.push(
      makeFinding('IMG-004', {
        subject,
        severity: pulledPrivate ? 'info' : undefined,
        title: `${origin.normalised}: node reports digest under ${pulled.ref.domain}`,
        detail: `${who}: the spec says ${origin.normalised}, but node ${pod.nodeName ?? '(unknown)'} reports the running digest as ${pulledName}@${pulled.digest ?? '?'}${pulledPrivate ? ' (also an allowed private prefix)' : ': that content is on the node under a registry the spec does not name'}.`,
        evidence,
      }),
    );
  }
  return out;
}
