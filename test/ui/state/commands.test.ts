import { describe, expect, test } from 'vitest';
import { completeCommand, completions, parseCommand } from '../../../src/ui/state/commands.js';

describe('parseCommand', () => {
  test.each([
    ['images', { type: 'probe', probe: 'images' }],
    [':nodes', { type: 'probe', probe: 'topology' }],
    ['topology', { type: 'probe', probe: 'topology' }],
    ['ipam', { type: 'probe', probe: 'ipam' }],
    ['pg', { type: 'probe', probe: 'portgroups' }],
    ['portgroups', { type: 'probe', probe: 'portgroups' }],
    ['containerd', { type: 'probe', probe: 'containerd' }],
    ['overview', { type: 'overview' }],
    ['q', { type: 'quit' }],
    ['quit', { type: 'quit' }],
    ['q!', { type: 'quit' }],
    ['help', { type: 'help' }],
    ['rerun', { type: 'rerun' }],
    ['export', { type: 'export', format: undefined }],
    ['export md', { type: 'export', format: 'md' }],
    ['readiness', { type: 'probe', probe: 'readiness' }],
    ['rdy', { type: 'probe', probe: 'readiness' }],
    [':expect publish-images-fromtar.yaml', { type: 'expect', file: 'publish-images-fromtar.yaml' }],
    ['expect /tmp/my list.txt=reg.local/tkg', { type: 'expect', file: '/tmp/my list.txt=reg.local/tkg' }],
    ['expect', { type: 'error', message: ':expect needs a file, e.g. :expect publish-images-fromtar.yaml' }],
    ['', { type: 'none' }],
    ['  ', { type: 'none' }],
  ])('%j → %j', (text, expected) => {
    expect(parseCommand(text)).toEqual(expected);
  });

  test('unknown commands say so and suggest', () => {
    expect(parseCommand('imagez')).toEqual({ type: 'error', message: 'unknown command ":imagez"' });
    expect(parseCommand('ima x')).toEqual({
      type: 'error',
      message: 'unknown command ":ima" (did you mean :images?)',
    });
  });
});

describe('completion', () => {
  test.each([
    ['i', ['images', 'ipam']],
    ['n', ['nodes']],
    ['po', ['portgroups']],
    ['c', ['containerd']],
    ['o', ['overview']],
    ['images', []],
    ['zzz', []],
  ])('%j → %j', (text, expected) => {
    expect(completions(text)).toEqual(expected);
  });

  test('tab completes to the first candidate, or leaves the text', () => {
    expect(completeCommand('no')).toBe('nodes');
    expect(completeCommand('i')).toBe('images');
    expect(completeCommand('zzz')).toBe('zzz');
  });
});
