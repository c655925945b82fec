/**
 * What the public will see once an update is posted: the server renders the incident's status
 * page with the status page's own presenter (POST …/status-page/preview), shown here in a
 * sandboxed frame with no scripts, so it is the page itself and not an imitation.
 */
import { useState } from 'react';
import { useConsole } from '../console-context.js';
import type { Incident } from '../types.js';
import { FormError, useAction } from '../ui.js';

export interface PreviewInput {
  status: string;
  impact: string;
  whatWeKnow: string;
  nextStep: string;
  nextUpdateBy?: string;
}

interface Preview {
  public: boolean;
  html: string | null;
}

export function PublicPreview({ incident, input }: { incident: Incident; input: PreviewInput }) {
  const { api } = useConsole();
  const action = useAction();
  const [preview, setPreview] = useState<{ of: string; answer: Preview } | null>(null);
  const key = JSON.stringify(input);
  const show = () =>
    void action.run(async () => setPreview({ of: key, answer: await api.write<Preview>('POST', `/incidents/${incident.id}/status-page/preview`, input) }));
  return (
    <div className="public-preview">
      <button type="button" onClick={show} disabled={action.busy}>
        Preview on the status page
      </button>
      <FormError action={action} fields={[]} />
      {preview ? (
        <div role="region" aria-label="Status page preview">
          {preview.of !== key ? <p className="warning">The update changed since this preview: preview it again.</p> : null}
          {!preview.answer.public ? (
            <p className="warning">
              {preview.answer.html === null
                ? `${incident.id} is private: it never goes on the status page.`
                : `${incident.id} is not on the public status page: the public sees this only once it is published.`}
            </p>
          ) : null}
          {preview.answer.html !== null ? <iframe title={`Status page preview of ${incident.id}`} sandbox="" srcDoc={preview.answer.html} className="preview-frame" /> : null}
        </div>
      ) : null}
    </div>
  );
}
