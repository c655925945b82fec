/**
 * One set of migrations for both databases, one file each, applied in the order of their
 * names. A new one takes the next number and is listed here; one already released is
 * never edited in a way that changes its result (a database may have run it). One that
 * touches a table that can grow avoids locking it (docs/architecture.md, "Migrations and locks").
 */
import { schemaHelpers, type Dialect, type IncidentMigration } from './helpers.js';
import { migration as m0001 } from './0001-incidents.js';
import { migration as m0002 } from './0002-read-model.js';
import { migration as m0003 } from './0003-alerts.js';
import { migration as m0004 } from './0004-reminders.js';
import { migration as m0005 } from './0005-notifications.js';
import { migration as m0006 } from './0006-notification-controls.js';
import { migration as m0007 } from './0007-status-page.js';
import { migration as m0008 } from './0008-sessions.js';
import { migration as m0009 } from './0009-status-subscribers.js';
import { migration as m0010 } from './0010-published-at.js';
import { migration as m0011 } from './0011-alert-snapshots.js';
import { migration as m0030 } from './0030-access.js';
import { migration as m0031 } from './0031-audit.js';
import { migration as m0032 } from './0032-credential-rotation.js';
import { migration as m0033 } from './0033-single-sign-on.js';
import { migration as m0040 } from './0040-status-page-times.js';
import { migration as m0020 } from './0020-chat.js';
import { migration as m0021 } from './0021-chat-uncertain.js';
import { migration as m0041 } from './0041-component-subscriptions.js';
import { migration as m0050 } from './0050-retention.js';
import { migration as m0051 } from './0051-paging.js';
import { migration as m0052 } from './0052-pages.js';
import { migration as m0060 } from './0060-chat-platform.js';
import { migration as m0061 } from './0061-chat-cursors.js';
import { migration as m0070 } from './0070-follow-ups.js';
import { migration as m0071 } from './0071-follow-up-links.js';
import { migration as m0080 } from './0080-alerts-revision.js';
import { migration as m0100 } from './0100-changes.js';
import { migration as m0110 } from './0110-postmortems.js';
import { migration as m0111 } from './0111-postmortem-stage-index.js';
import { migration as m0120 } from './0120-maintenance-notices.js';
import { migration as m0121 } from './0121-alert-inbox-compression.js';
import { migration as m0130 } from './0130-maintenance-reminders.js';
import { migration as m0090 } from './0090-drills.js';

export type { Dialect, IncidentMigration };

export function migrations(dialect: Dialect): Record<string, IncidentMigration> {
  const helpers = schemaHelpers(dialect);
  return {
    '0001_incidents': m0001(helpers),
    '0002_read_model': m0002(helpers),
    '0003_alerts': m0003(helpers),
    '0004_reminders': m0004(helpers),
    '0005_notifications': m0005(helpers),
    '0006_notification_controls': m0006(helpers),
    '0007_status_page': m0007(helpers),
    '0008_sessions': m0008(helpers),
    '0009_status_subscribers': m0009(helpers),
    '0010_published_at': m0010(helpers),
    '0011_alert_snapshots': m0011(helpers),
    '0030_access': m0030(helpers),
    '0031_audit': m0031(helpers),
    '0032_credential_rotation': m0032(helpers),
    '0033_single_sign_on': m0033(helpers),
    '0040_status_page_times': m0040(helpers),
    '0020_chat': m0020(helpers),
    '0021_chat_uncertain': m0021(helpers),
    '0041_component_subscriptions': m0041(helpers),
    '0050_retention': m0050(helpers),
    '0051_paging': m0051(helpers),
    '0052_pages': m0052(helpers),
    '0060_chat_platform': m0060(helpers),
    '0061_chat_cursors': m0061(helpers),
    '0070_follow_ups': m0070(helpers),
    '0071_follow_up_links': m0071(helpers),
    '0080_alerts_revision': m0080(helpers),
    '0090_drills': m0090(helpers),
    '0100_changes': m0100(helpers),
    '0110_postmortems': m0110(helpers),
    '0111_postmortem_stage_index': m0111(helpers),
    '0120_maintenance_notices': m0120(helpers),
    '0121_alert_inbox_compression': m0121(helpers),
    '0130_maintenance_reminders': m0130(helpers),
  };
}
