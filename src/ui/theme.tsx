import { createContext, useContext } from 'react';
import type { Severity } from '../model/finding.js';
import type { LineTone } from './format.js';

/** Colour is decoration only: every severity is also a word or symbol, so NO_COLOR loses nothing. */
export interface Theme {
  readonly colour: boolean;
  /** ASCII only (non-UTF-8 locale): the frames are transliterated on output; borders use `classic`. */
  readonly ascii?: boolean;
}

export const ThemeContext = createContext<Theme>({ colour: true });

export function useTheme(): Theme {
  return useContext(ThemeContext);
}

/** https://no-color.org: any non-empty NO_COLOR turns colour off. */
export function colourFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  return !(env.NO_COLOR !== undefined && env.NO_COLOR !== '');
}

const SEVERITY_COLOUR: Readonly<Record<Severity, string>> = {
  fail: 'red',
  warn: 'yellow',
  info: 'cyan',
  pass: 'green',
};

export function severityColour(theme: Theme, severity: Severity | undefined): string | undefined {
  return theme.colour && severity ? SEVERITY_COLOUR[severity] : undefined;
}

export function toneColour(theme: Theme, tone: LineTone): string | undefined {
  if (!theme.colour) return undefined;
  switch (tone) {
    case 'fail':
    case 'error':
      return 'red';
    case 'warn':
      return 'yellow';
    case 'info':
      return 'cyan';
    case 'pass':
      return 'green';
    case 'heading':
      return 'blue';
    case 'dim':
      return 'gray';
    default:
      return undefined;
  }
}
