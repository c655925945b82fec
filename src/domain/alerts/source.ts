/**
 * Where alerts come from: a sender authenticated by its key, in one of the formats intake reads.
 * A `changes` source sends change events (deploys, config pushes…) to POST /changes instead.
 */
export type SourceType = 'alertmanager' | 'events' | 'changes';

export interface AlertSource {
  id: string;
  name: string;
  type: SourceType;
  createdBy: string;
  createdAt: string;
}
