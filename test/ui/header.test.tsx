import { render } from 'ink-testing-library';
import { expect, test } from 'vitest';
import { Header } from '../../src/ui/components/Header.js';

test('the header says when the view is limited to one namespace, and nothing when it is not', () => {
  const props = {
    context: 'wc-1',
    server: 'https://10.0.0.1:6443',
    registries: [],
    live: '● live',
    width: 160,
  };
  expect(render(<Header {...props} namespace="shop" />).lastFrame()).toContain('ctx wc-1  ns shop only  api');
  expect(render(<Header {...props} />).lastFrame()).not.toContain(' ns ');
});
