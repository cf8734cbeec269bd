import { describe, expect, it } from 'vitest';
import { SecretPrompts } from '../../src/app/secret-prompts.js';

describe('SecretPrompts', () => {
  it('queues requests, shows the oldest, and passes each answer to its asker', async () => {
    const prompts = new SecretPrompts();
    let changes = 0;
    prompts.subscribe(() => changes++);
    const first = prompts.ask({ probe: 'portgroups', label: 'first' });
    const second = prompts.ask({ probe: 'containerd', label: 'second' });
    expect(prompts.current?.label).toBe('first');
    prompts.answer(prompts.current!.id, 'one');
    expect(prompts.current?.label).toBe('second');
    prompts.answer(prompts.current!.id, undefined);
    expect(prompts.current).toBeUndefined();
    expect(await first).toBe('one');
    expect(await second).toBeUndefined();
    expect(changes).toBe(4);
  });

  it('an empty answer is a cancel; an unknown id is ignored', async () => {
    const prompts = new SecretPrompts();
    const asked = prompts.ask({ probe: 'portgroups', label: 'x' });
    const id = prompts.current!.id;
    prompts.answer(id + 100, 'wrong');
    expect(prompts.current?.id).toBe(id);
    prompts.answer(id, '');
    expect(await asked).toBeUndefined();
  });

  it('close cancels every waiting ask and every later one', async () => {
    const prompts = new SecretPrompts();
    const waiting = prompts.ask({ probe: 'portgroups', label: 'x' });
    prompts.close();
    expect(await waiting).toBeUndefined();
    expect(await prompts.ask({ probe: 'portgroups', label: 'y' })).toBeUndefined();
    expect(prompts.current).toBeUndefined();
  });
});
