/**
 * What the TUI benches drive, bundled the way the product is (scripts/bundle.mjs buildBundle, with
 * its Ink plugins: Ink's output stage with memory among them), so the benches time the Ink the
 * release runs rather than the stock one in node_modules. One bundle, so the App, Ink and React are
 * one copy each (hooks need the App's React to be Ink's).
 */

export { render } from 'ink';
export { createElement } from 'react';
export { Session } from '../../src/app/session.js';
export { Logger } from '../../src/core/log.js';
export { DEFAULT_CONFIG } from '../../src/model/config.js';
export { startSimulator } from '../../src/sim/server/index.js';
export { App } from '../../src/ui/App.js';
export { sessionSource } from '../../src/ui/source.js';
