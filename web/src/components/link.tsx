import type { ComponentChildren } from 'preact';
import { followLink } from '../router.ts';

interface Props {
  href: string;
  class?: string;
  current?: boolean;
  tabIndex?: number;
  'aria-hidden'?: 'true';
  children: ComponentChildren;
}

/** An in-app link: a real <a href> (new tab, copy link, keyboard), navigated without a reload. */
export function Link({ current, children, ...attrs }: Props) {
  return (
    <a {...attrs} onClick={followLink} aria-current={current ? 'page' : undefined}>
      {children}
    </a>
  );
}
