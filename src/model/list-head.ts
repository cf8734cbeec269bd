/**
 * The continue token of a Kubernetes list page, read from the first bytes of its body. The API
 * server writes a list's metadata before its items (`{"kind":"PodList","apiVersion":"v1",
 * "metadata":{"resourceVersion":"…","continue":"…"},"items":[…`), so the next page can be asked
 * while this one is still arriving and being parsed. Undefined when the head does not have that
 * shape (items first, metadata not yet complete, no token): the caller then waits for the parsed
 * page. A token read here is only a guess until the parsed page says the same.
 */
export function continueTokenFromHead(head: string): string | undefined {
  const meta =
    /^\s*\{(?:\s*"(?:kind|apiVersion)"\s*:\s*"[^"\\]*"\s*,)*\s*"metadata"\s*:\s*(\{[^{}[\]]*\})/.exec(head);
  if (!meta) return undefined;
  try {
    const parsed = JSON.parse(meta[1] as string) as { continue?: unknown };
    return typeof parsed.continue === 'string' && parsed.continue !== '' ? parsed.continue : undefined;
  } catch {
    return undefined;
  }
}
