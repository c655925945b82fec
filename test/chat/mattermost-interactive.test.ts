/**
 * Mattermost's interactive parts made from the presenters' (src/integrations/chat/mattermost/interactive.ts):
 * a modal as a dialog within Mattermost's limits, the IC offer's buttons as signed integration
 * actions, and what comes back read only when this deployment signed it.
 */
import { describe, expect, it } from 'vitest';
import { ActionSigner, attachmentsOf, dialogOf, readButtonContext, readDialogState, submittedFields } from '../../src/integrations/chat/mattermost/interactive.js';
import { updateForm } from '../../src/presenters/chat/forms.js';
import { renderHandoffOffer } from '../../src/presenters/chat/messages.js';
import { declared, given } from '../domain/given.js';

const URL = 'https://incidents.example.com/mattermost/actions';

describe('Mattermost dialogs and buttons', () => {
  const signer = new ActionSigner('bot-token-a');
  const other = new ActionSigner('bot-token-b');

  it('makes the update modal a dialog: fields in order, labels within 24 characters, the cadence as the default; its state signed for that form only', () => {
    const state = given(declared()).state;
    const body = dialogOf(updateForm(state, '2026-06-06T15:32Z') as never, 'trigger.1', URL, signer) as { trigger_id: string; url: string; dialog: { callback_id: string; title: string; state: string; elements: Record<string, unknown>[] } };
    expect([body.trigger_id, body.url, body.dialog.callback_id, body.dialog.title]).toEqual(['trigger.1', URL, 'update', 'Update INC-7']);
    expect(body.dialog.elements.map((e) => [e.name, e.type, e.optional, e.default ?? null])).toEqual([
      ['status', 'select', false, 'investigating'],
      ['impact', 'textarea', false, null],
      ['whatWeKnow', 'textarea', false, null],
      ['nextStep', 'textarea', false, null],
      ['nextUpdateBy', 'text', true, '2026-06-06T15:32Z'],
      ['audience', 'select', false, 'public'],
    ]);
    for (const e of body.dialog.elements) expect(String(e.display_name).length).toBeLessThanOrEqual(24);
    expect(readDialogState(signer, 'update', body.dialog.state)).toMatchObject({ metadata: '7' });
    expect(readDialogState(signer, 'resolve', body.dialog.state)).toBeNull();
    expect(readDialogState(other, 'update', body.dialog.state)).toBeNull();
    // Each dialog its own nonce: a second one is a second request.
    const again = dialogOf(updateForm(state, null) as never, 'trigger.2', URL, signer) as typeof body;
    expect(JSON.parse(again.dialog.state).nonce).not.toBe(JSON.parse(body.dialog.state).nonce);
  });

  it('reads a submission as the forms do: trimmed text, a checked box as its name, empty and unchecked left out', () => {
    expect(submittedFields({ title: ' Checkout errors ', severity: 'SEV2', summary: null, components: '', private: true, other: false })).toEqual({ title: 'Checkout errors', severity: 'SEV2', private: 'private' });
    expect(submittedFields(null)).toEqual({});
  });

  it('makes the IC offer\'s buttons integration actions, each context signed; none without an actions address', () => {
    const state = given(declared()).state;
    const offer = renderHandoffOffer(state, 'h-1', 'dana', (h) => `@${h}`);
    const [attachment] = attachmentsOf(offer.blocks, URL, signer) as { actions: { id: string; name: string; style: string; integration: { url: string; context: Record<string, string> } }[] }[];
    expect(attachment!.actions.map((a) => [a.id, a.name, a.style, a.integration.url])).toEqual([
      ['handoffaccept', 'Accept', 'primary', URL],
      ['handoffdecline', 'Decline', 'default', URL],
    ]);
    const context = attachment!.actions[0]!.integration.context;
    expect(readButtonContext(signer, context)).toMatchObject({ action: 'handoff_accept', value: JSON.stringify({ incident: 7, handoff: 'h-1' }) });
    expect(readButtonContext(other, context)).toBeNull();
    expect(readButtonContext(signer, { ...context, value: JSON.stringify({ incident: 2, handoff: 'h-1' }) })).toBeNull();
    expect(readButtonContext(signer, { ...context, sig: context.sig!.slice(0, -2) })).toBeNull();
    expect(readButtonContext(signer, null)).toBeNull();
    expect(attachmentsOf(offer.blocks, null, signer)).toEqual([]);
  });
});
