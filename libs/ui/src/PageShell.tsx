import { type ReactNode, useEffect } from 'react';
import { ConnectionIndicator } from './ConnectionIndicator';
import type { LiveStreamStatus } from './live-stream';
import { ThemeContext, useThemeControl } from './theme';

export interface NavItem {
  label: string;
  href: string;
  active?: boolean;
}

export interface PageShellProps {
  /** The service, shown as the brand: "OpenADR VTN". */
  service: string;
  /** The current view, shown beside it and in the document title. */
  title?: string;
  nav?: readonly NavItem[];
  /** The page's live stream, for the connection indicator. */
  connection?: LiveStreamStatus;
  /** Extra controls at the right of the header. */
  actions?: ReactNode;
  children: ReactNode;
}

const themeLabels = { system: 'auto', light: 'light', dark: 'dark' } as const;

/** The frame every page has: header (brand, navigation, connection, theme toggle) and the main area. */
export function PageShell({ service, title, nav = [], connection, actions, children }: PageShellProps) {
  const theme = useThemeControl();
  useEffect(() => {
    document.title = title ? `${title} · ${service}` : service;
  }, [service, title]);
  return (
    <ThemeContext.Provider value={theme.theme}>
      <div className="fg-shell">
        <header className="fg-header">
          <span className="fg-brand">
            <span className="fg-brand-mark" aria-hidden="true" />
            flexgrid <strong>{service}</strong>
          </span>
          {nav.length > 0 && (
            <nav className="fg-nav" aria-label="main">
              {nav.map((item) => (
                <a key={item.href} href={item.href} aria-current={item.active ? 'page' : undefined}>
                  {item.label}
                </a>
              ))}
            </nav>
          )}
          <span className="fg-header-end">
            {actions}
            {connection && <ConnectionIndicator status={connection} />}
            <button
              type="button"
              className="fg-button fg-theme-toggle"
              onClick={theme.cycle}
              title="colour theme: automatic (system), light or dark"
            >
              theme: {themeLabels[theme.choice]}
            </button>
          </span>
        </header>
        <main className="fg-main">
          {title && <h1 className="fg-title">{title}</h1>}
          {children}
        </main>
      </div>
    </ThemeContext.Provider>
  );
}

export interface PanelProps {
  title: string;
  /** Controls at the right of the panel's header. */
  actions?: ReactNode;
  /** Span the whole row of the page's grid (a log, a wide chart). */
  wide?: boolean;
  children: ReactNode;
}

/** A titled block of the main area. */
export function Panel({ title, actions, wide = false, children }: PanelProps) {
  return (
    <section className={wide ? 'fg-panel fg-panel-wide' : 'fg-panel'} aria-label={title}>
      <header className="fg-panel-header">
        <h2>{title}</h2>
        {actions}
      </header>
      <div className="fg-panel-body">{children}</div>
    </section>
  );
}
