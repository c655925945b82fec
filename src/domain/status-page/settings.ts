/** What the status page is configured with (the `organization` and `statusPage` keys of the configuration file). */
import type { ComponentStatus } from '../model/events.js';
import type { SeverityPolicy } from '../model/policy.js';

export interface Organization {
  name: string;
  statusPageTitle: string;
  logoUrl: string | null;
  colors: { brand: string; background: string; text: string };
}

export interface StatusPageConfig {
  /** Responder handles stay off the page unless the team says otherwise. */
  showResponderNames: boolean;
  componentStatusBySeverity: Record<string, ComponentStatus>;
  /** How long a resolved incident stays in "recent incidents". */
  recentResolvedMs: number;
  cache: { maxAgeS: number; sMaxAgeS: number; staleWhileRevalidateS: number };
  /** Per client address over the public status page and its JSON. */
  rateLimit: { requests: number; windowMs: number };
}

/** The part of the configuration the page is built from. */
export interface StatusPageSettings {
  organization: Organization;
  policy: SeverityPolicy;
  statusPage: StatusPageConfig;
}
