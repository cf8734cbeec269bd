import { describe, expect, it } from 'vitest';
import { continueTokenFromHead } from '../../src/model/list-head.js';

describe('continueTokenFromHead', () => {
  const cases: { name: string; head: string; token: string | undefined }[] = [
    {
      name: 'the API server order: kind, apiVersion, metadata, items',
      head: '{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"13258","continue":"eyJpZCI6IjIwMSJ9","remainingItemCount":9998},"items":[{"apiVersion":"v1"',
      token: 'eyJpZCI6IjIwMSJ9',
    },
    {
      name: 'apiVersion first, spaces (a pretty-printing server)',
      head: '{\n  "apiVersion": "v1",\n  "kind": "PodList",\n  "metadata": { "continue": "abc", "resourceVersion": "1" },\n  "items": [',
      token: 'abc',
    },
    { name: 'metadata first', head: '{"metadata":{"continue":"t1"},"items":[]}', token: 't1' },
    {
      name: 'the last page: no token',
      head: '{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"5"},"items":[',
      token: undefined,
    },
    { name: 'an empty token', head: '{"metadata":{"continue":""},"items":[', token: undefined },
    {
      name: 'metadata not complete yet',
      head: '{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"5","cont',
      token: undefined,
    },
    {
      name: 'items before metadata: the first "metadata" is a pod\'s, not the list\'s',
      head: '{"items":[{"metadata":{"continue":"not-the-list"}}],"metadata":{"continue":"x"}}',
      token: undefined,
    },
    {
      name: 'another key before metadata',
      head: '{"kind":"PodList","extra":{"continue":"no"},"metadata":{"continue":"x"}',
      token: undefined,
    },
    {
      name: 'a nested object in metadata',
      head: '{"metadata":{"continue":"x","o":{"a":1}},"items":[',
      token: undefined,
    },
    { name: 'metadata that is not JSON', head: '{"metadata":{"continue":x},"items":[', token: undefined },
    { name: 'a token that is not a string', head: '{"metadata":{"continue":5},"items":[', token: undefined },
    { name: 'an escaped token', head: '{"metadata":{"continue":"a\\u0062c"},"items":[', token: 'abc' },
    { name: 'not a list at all', head: 'Internal Server Error', token: undefined },
    { name: 'empty', head: '', token: undefined },
  ];
  for (const c of cases) it(c.name, () => expect(continueTokenFromHead(c.head)).toBe(c.token));
});
