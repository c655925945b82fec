/** The access API's answers, typed from the server's own schemas (types only: nothing of the server is bundled). */
import type { Static } from 'typebox';
import type { AlertSourceSchema, NewAlertSourceSchema, RotatedAlertSourceSchema } from '../../../src/http/alert-schemas.js';
import type { TokenInfoSchema, TokenSchema } from '../../../src/http/schemas.js';
import type { DeliverySchema, NewWebhookSchema, RotatedWebhookSchema, WebhookSchema } from '../../../src/http/routes/webhooks.js';
import type { AuditEntrySchema } from '../../../src/http/routes/audit.js';

export type TokenInfo = Static<typeof TokenInfoSchema>;
export type IssuedToken = Static<typeof TokenSchema>;
export type AlertSource = Static<typeof AlertSourceSchema>;
export type NewAlertSource = Static<typeof NewAlertSourceSchema>;
export type RotatedAlertSource = Static<typeof RotatedAlertSourceSchema>;
export type Webhook = Static<typeof WebhookSchema>;
export type NewWebhook = Static<typeof NewWebhookSchema>;
export type RotatedWebhook = Static<typeof RotatedWebhookSchema>;
export type Delivery = Static<typeof DeliverySchema>;
export type AuditEntry = Static<typeof AuditEntrySchema>;
