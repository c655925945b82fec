/** What the status page controls read besides the incident: the components (with their status now) and the subscriber counts. */
import { useCallback, useState } from 'react';
import { useConsole } from '../console-context.js';
import type { Component } from '../types.js';
import type { SubscriberCounts } from './StatusControls.js';

export function useStatusPageData() {
  const { api } = useConsole();
  const [components, setComponents] = useState<Component[]>([]);
  const [counts, setCounts] = useState<SubscriberCounts | null>(null);
  const reloadShared = useCallback(async () => {
    const [list, subscribers] = await Promise.all([api.get<Component[]>('/components'), api.get<SubscriberCounts>('/status-subscribers/counts').catch(() => null)]);
    setComponents(list);
    setCounts(subscribers);
  }, [api]);
  return { components, counts, reloadShared };
}
