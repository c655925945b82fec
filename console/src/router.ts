/** A handful of places, so no router library: the path is the state, the History API moves it. */
import { useEffect, useState, type MouseEvent } from 'react';
import { incidentId, parseIncidentId } from '../../src/domain/model/ids.js';
import { parseAccessRoute, type AccessRoute } from './admin/routes.js';

export type Route = { screen: 'list' } | { screen: 'declare' } | { screen: 'room'; id: string } | { screen: 'alerts' } | { screen: 'status-page' } | { screen: 'insights' } | { screen: 'drills'; id: string | null } | { screen: 'follow-ups' } | AccessRoute;

export function parseRoute(pathname: string): Route {
  const room = /^\/incidents\/([^/]+)\/?$/.exec(pathname);
  const number = room ? parseIncidentId(room[1]!) : null;
  if (number !== null) return { screen: 'room', id: incidentId(number) };
  if (/^\/declare\/?$/.test(pathname)) return { screen: 'declare' };
  if (/^\/alerts\/?$/.test(pathname)) return { screen: 'alerts' };
  if (/^\/status-page\/?$/.test(pathname)) return { screen: 'status-page' };
  if (/^\/insights\/?$/.test(pathname)) return { screen: 'insights' };
  if (/^\/follow-ups\/?$/.test(pathname)) return { screen: 'follow-ups' };
  const drill = /^\/drills(?:\/(drl_[0-9a-f]{12}))?\/?$/.exec(pathname);
  if (drill) return { screen: 'drills', id: drill[1] ?? null };
  const access = parseAccessRoute(pathname);
  if (access) return access;
  return { screen: 'list' };
}

export function navigate(path: string): void {
  if (path === window.location.pathname + window.location.search) return;
  window.history.pushState(null, '', path);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

export function useRoute(): Route {
  const [pathname, setPathname] = useState(() => window.location.pathname);
  useEffect(() => {
    const changed = () => setPathname(window.location.pathname);
    window.addEventListener('popstate', changed);
    return () => window.removeEventListener('popstate', changed);
  }, []);
  return parseRoute(pathname);
}

/** A real link (open in a new tab works) that moves within the page on a plain click. */
export function linkProps(path: string) {
  return {
    href: path,
    onClick: (event: MouseEvent<HTMLAnchorElement>) => {
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      navigate(path);
    },
  };
}
