/** The access screens' paths: my tokens for everyone, the rest for admins (the API still decides). */
export const ADMIN_PAGES = [
  { page: 'people', path: '/admin/people', label: 'People' },
  { page: 'alert-sources', path: '/admin/alert-sources', label: 'Alert sources' },
  { page: 'webhooks', path: '/admin/webhooks', label: 'Webhooks' },
  { page: 'audit', path: '/admin/audit', label: 'Audit log' },
] as const;

export type AdminPage = (typeof ADMIN_PAGES)[number]['page'];
export type AccessRoute = { screen: 'tokens' } | { screen: 'admin'; page: AdminPage };

export function parseAccessRoute(pathname: string): AccessRoute | null {
  if (/^\/tokens\/?$/.test(pathname)) return { screen: 'tokens' };
  if (/^\/admin\/?$/.test(pathname)) return { screen: 'admin', page: 'people' };
  const page = ADMIN_PAGES.find((p) => pathname.replace(/\/$/, '') === p.path);
  return page ? { screen: 'admin', page: page.page } : null;
}
