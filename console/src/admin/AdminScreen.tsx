/** The admin screens' frame: their own links, and for someone who is not an admin a plain word instead of controls. */
import type { ComponentType } from 'react';
import { useConsole } from '../console-context.js';
import { linkProps } from '../router.js';
import { ADMIN_PAGES, type AdminPage } from './routes.js';
import { People } from './People.js';
import { AlertSources } from './AlertSources.js';
import { Webhooks } from './Webhooks.js';
import { AuditLog } from './AuditLog.js';

const SCREENS: Record<AdminPage, ComponentType> = {
  people: People,
  'alert-sources': AlertSources,
  webhooks: Webhooks,
  audit: AuditLog,
};

export function AdminScreen({ page }: { page: AdminPage }) {
  const { permissions } = useConsole();
  if (!permissions.admin)
    return (
      <main className="admin">
        <h1>Admins only</h1>
        <p role="alert">
          This screen is for admins. Ask an admin if you need someone added, a role changed or an integration set up. Your own tokens are under{' '}
          <a {...linkProps('/tokens')}>My tokens</a>.
        </p>
      </main>
    );
  const Screen = SCREENS[page];
  return (
    <main className="admin">
      <nav className="subnav" aria-label="Admin">
        {ADMIN_PAGES.map((p) => (
          <a key={p.page} {...linkProps(p.path)} aria-current={p.page === page ? 'page' : undefined}>
            {p.label}
          </a>
        ))}
      </nav>
      <Screen />
    </main>
  );
}
