import { createContext, useCallback, useContext, useEffect, useLayoutEffect, useState } from 'react';

/**
 * Light or dark: the operating system's preference (prefers-color-scheme) unless the user picked one with the
 * toggle, which is remembered per browser. The stylesheet's colours are `light-dark()` pairs, so setting
 * `color-scheme` on the root element (through `data-theme`) switches every colour at once.
 */
export type ThemeChoice = 'system' | 'light' | 'dark';
export type Theme = 'light' | 'dark';

const storageKey = 'flexgrid.theme';

function storedChoice(): ThemeChoice {
  try {
    const value = window.localStorage.getItem(storageKey);
    return value === 'light' || value === 'dark' ? value : 'system';
  } catch {
    // Storage can be disabled (privacy settings); the system preference still applies.
    return 'system';
  }
}

const darkQuery = () => window.matchMedia('(prefers-color-scheme: dark)');

export interface ThemeControl {
  choice: ThemeChoice;
  /** The theme in effect. */
  theme: Theme;
  setChoice(choice: ThemeChoice): void;
  /** system → the opposite of what the system shows → the other one → system. */
  cycle(): void;
}

export function useThemeControl(): ThemeControl {
  const [choice, setChoiceState] = useState<ThemeChoice>(storedChoice);
  const [systemDark, setSystemDark] = useState(() => darkQuery().matches);

  useEffect(() => {
    const query = darkQuery();
    const onChange = () => setSystemDark(query.matches);
    query.addEventListener('change', onChange);
    return () => query.removeEventListener('change', onChange);
  }, []);

  const theme: Theme = choice === 'system' ? (systemDark ? 'dark' : 'light') : choice;
  // A layout effect: it runs before any component's passive effects, so a chart built in one already sees the
  // new colour scheme.
  useLayoutEffect(() => {
    const root = document.documentElement;
    if (choice === 'system') delete root.dataset['theme'];
    else root.dataset['theme'] = choice;
  }, [choice]);

  const setChoice = useCallback((next: ThemeChoice) => {
    setChoiceState(next);
    try {
      if (next === 'system') window.localStorage.removeItem(storageKey);
      else window.localStorage.setItem(storageKey, next);
    } catch {
      // Not remembered, still applied.
    }
  }, []);

  const cycle = useCallback(() => {
    const system: Theme = systemDark ? 'dark' : 'light';
    const opposite: Theme = system === 'dark' ? 'light' : 'dark';
    setChoice(choice === 'system' ? opposite : choice === opposite ? system : 'system');
  }, [choice, systemDark, setChoice]);

  return { choice, theme, setChoice, cycle };
}

/** The theme in effect, for components that draw with colours outside CSS (charts). */
export const ThemeContext = createContext<Theme>('light');

export function useTheme(): Theme {
  return useContext(ThemeContext);
}
