/** Where alerts come from: a sender authenticated by its key, in one of the formats intake reads. */
export type SourceType = 'alertmanager' | 'events';

export interface AlertSource {
  id: string;
  name: string;
  type: SourceType;
  createdBy: string;
  createdAt: string;
}
