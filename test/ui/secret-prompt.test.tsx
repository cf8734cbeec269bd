import { afterEach, describe, expect, it } from 'vitest';
import { SecretPrompts } from '../../src/app/secret-prompts.js';
import { fakeSource, KEYS, READY, renderApp } from './helpers.js';

const PASSWORD = 'Tr0ub4dor&3-q';
let cleanup: (() => void) | undefined;
afterEach(() => {
  cleanup?.();
  cleanup = undefined;
});

function setup() {
  const prompts = new SecretPrompts();
  const source = { ...fakeSource({ images: READY(), portgroups: { status: 'loading' } }), prompts };
  let quit = 0;
  const app = renderApp(source, { onQuit: () => quit++ });
  cleanup = () => app.unmount();
  return { app, prompts, source, quits: () => quit };
}

const LABEL = 'vCenter password for readonly@vsphere.local at vcenter.example.internal';

describe('the password prompt', () => {
  it('shows one bullet per character typed, never the characters, and hands the value to the probe', async () => {
    const { app, prompts } = setup();
    await app.waitFor((f) => f.includes('Probes'));
    const answer = prompts.ask({ probe: 'portgroups', label: LABEL });
    let f = await app.waitFor((x) => x.includes(LABEL));
    expect(f).toContain('portgroups asks:');
    expect(f).toContain('password prompt: ⏎ submit');
    for (const c of PASSWORD.slice(0, 5)) await app.press(c);
    f = await app.waitFor((x) => x.includes('•••••▏'));
    expect(f).not.toContain('•••••••');
    await app.press(KEYS.backspace);
    await app.waitFor((x) => x.includes('password: ••••▏'));
    await app.press(PASSWORD.slice(4)); // a paste: one chunk
    await app.waitFor((x) => x.includes(`password: ${'•'.repeat(PASSWORD.length)}▏`));
    await app.press(KEYS.enter);
    expect(await answer).toBe(PASSWORD);
    f = await app.waitFor((x) => !x.includes('asks:'));
    expect(f).toContain('Probes');
    for (const frame of app.frames) expect(frame).not.toContain(PASSWORD.slice(0, 5));
  });

  it('takes every key while open: q, 1, : do not reach the screen', async () => {
    const { app, prompts, quits } = setup();
    await app.waitFor((f) => f.includes('Probes'));
    const answer = prompts.ask({ probe: 'portgroups', label: LABEL });
    await app.waitFor((x) => x.includes(LABEL));
    await app.press('q', '1', ':');
    await app.waitFor((x) => x.includes('password: •••▏'));
    expect(quits()).toBe(0);
    await app.press(KEYS.enter);
    expect(await answer).toBe('q1:');
    // The screen's keys work again once it is closed.
    await app.press('1');
    await app.waitFor((x) => x.includes('overview › images'));
  });

  it('esc cancels: the probe gets undefined', async () => {
    const { app, prompts } = setup();
    await app.waitFor((f) => f.includes('Probes'));
    const answer = prompts.ask({ probe: 'portgroups', label: LABEL });
    await app.waitFor((x) => x.includes(LABEL));
    await app.press('a', 'b', KEYS.escape);
    expect(await answer).toBeUndefined();
    await app.waitFor((x) => !x.includes('asks:'));
  });

  it('two requests are asked one after the other, each from an empty field', async () => {
    const { app, prompts } = setup();
    await app.waitFor((f) => f.includes('Probes'));
    const first = prompts.ask({ probe: 'portgroups', label: 'first secret' });
    const second = prompts.ask({ probe: 'containerd', label: 'second secret' });
    await app.waitFor((x) => x.includes('first secret'));
    await app.press('abc', KEYS.enter);
    await app.waitFor((x) => x.includes('second secret') && x.includes('password: ▏'));
    await app.press('de', KEYS.enter);
    expect([await first, await second]).toEqual(['abc', 'de']);
  });

  it('the help lists the prompt keys', async () => {
    const { app } = setup();
    await app.waitFor((f) => f.includes('Probes'));
    await app.press('?');
    // The help scrolls: the prompt keys are its last section.
    await app.waitFor((x) => x.includes('Help: keys on this screen'));
    await app.press('G');
    const f = await app.waitFor((x) => x.includes('Password prompt (vCenter)'));
    expect(f).toContain('one • per character');
  });
});
