/** How far the postmortem has come (issue 16), as the incident answer shows it under `postmortem`. */
import Type from 'typebox';
import { POSTMORTEM_STAGES } from '../domain/postmortem/flow.js';

const orNull = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

export const POSTMORTEM_PROGRESS = {
  stage: Type.Enum([...POSTMORTEM_STAGES], { description: 'owed → scheduled → drafting → in_review → published' }),
  minutes: Type.Integer({ description: "the review meeting's length" }),
  revision: Type.Integer({ description: "the document's latest revision; 0 while only the generated draft exists; send it back as If-Match" }),
  reviewRequestedAt: orNull(Type.String()),
  publishedAt: orNull(Type.String()),
  publishedRevision: orNull(Type.Integer({ description: 'the revision frozen by publishing' })),
  url: orNull(Type.String({ description: 'where it is published, when elsewhere' })),
  onStatusPage: Type.Boolean({ description: 'published and linked from the incident on the public status page' }),
};
