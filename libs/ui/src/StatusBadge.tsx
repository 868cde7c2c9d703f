import type { ReactNode } from 'react';

/** What a status means to an operator; each tone has its colour in the stylesheet. */
export type Tone = 'ok' | 'warn' | 'error' | 'info' | 'neutral';

export interface StatusBadgeProps {
  tone: Tone;
  children: ReactNode;
  /** A longer explanation, shown on hover. */
  title?: string;
}

export function StatusBadge({ tone, children, title }: StatusBadgeProps) {
  return (
    <span className={`fg-badge fg-badge-${tone}`} title={title} data-tone={tone}>
      {children}
    </span>
  );
}
