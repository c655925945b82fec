/**
 * Mattermost's interactive parts, made from what the presenters give every platform: a
 * Slack modal (Block Kit view) becomes an interactive dialog, an `actions` block of buttons
 * becomes a post attachment with integration actions. Mattermost signs neither the dialog's
 * submission nor a button's request, but echoes what we put in them (the dialog's `state`, the
 * button's `context`): so each carries an HMAC under a key of this deployment, which
 * POST /mattermost/actions checks in constant time before anything is read. Pure, but for
 * the random nonce that makes each dialog's submission its own.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** HMACs under a per-deployment key: one derived from the bot's token, which only this server holds. */
export class ActionSigner {
  private readonly key: Buffer;

  constructor(botToken: string) {
    this.key = createHmac('sha256', botToken).update('incident-command mattermost actions').digest();
  }

  sign(...parts: (string | number)[]): string {
    return createHmac('sha256', this.key).update(parts.join('\n')).digest('hex');
  }

  /** Whether `signature` is ours for `parts`; the comparison takes the same time wherever they differ. */
  verify(signature: unknown, ...parts: (string | number)[]): boolean {
    if (typeof signature !== 'string' || !/^[0-9a-f]{64}$/.test(signature)) return false;
    return timingSafeEqual(Buffer.from(signature, 'hex'), Buffer.from(this.sign(...parts), 'hex'));
  }
}

/** What a dialog echoes back in its `state`. */
export interface DialogState {
  /** The form's own data (the presenters' `private_metadata`: a channel, an incident number). */
  metadata: string;
  /** One per opened dialog: a second submission of it is the same request. */
  nonce: string;
  sig: string;
}

export function dialogState(signer: ActionSigner, callbackId: string, metadata: string): string {
  const nonce = randomBytes(12).toString('hex');
  return JSON.stringify({ metadata, nonce, sig: signer.sign('dialog', callbackId, metadata, nonce) } satisfies DialogState);
}

/** The state of a submission if it is one of ours for that form; else null. */
export function readDialogState(signer: ActionSigner, callbackId: string, state: unknown): DialogState | null {
  try {
    const parsed = JSON.parse(String(state)) as Partial<DialogState>;
    if (typeof parsed.metadata !== 'string' || typeof parsed.nonce !== 'string') return null;
    return signer.verify(parsed.sig, 'dialog', callbackId, parsed.metadata, parsed.nonce) ? (parsed as DialogState) : null;
  } catch {
    return null;
  }
}

/** A button's context: which action, on what (the presenters' button `value`), signed. */
export interface ButtonContext {
  action: string;
  value: string;
  sig: string;
}

export function readButtonContext(signer: ActionSigner, context: unknown): ButtonContext | null {
  const c = (context ?? {}) as Partial<ButtonContext>;
  if (typeof c.action !== 'string' || typeof c.value !== 'string') return null;
  return signer.verify(c.sig, 'button', c.action, c.value) ? (c as ButtonContext) : null;
}

interface Text {
  text?: string;
}
interface SlackOption {
  text?: Text;
  value?: string;
}
interface InputBlock {
  type?: string;
  block_id?: string;
  label?: Text;
  optional?: boolean;
  hint?: Text;
  element?: { type?: string; multiline?: boolean; initial_value?: string; initial_option?: SlackOption; options?: SlackOption[] };
}
interface SlackView {
  callback_id?: string;
  private_metadata?: string;
  title?: Text;
  submit?: Text;
  blocks?: InputBlock[];
}

/** Mattermost's limits: a dialog's title and an element's label 24 characters, help text 150, text 150 (textarea 3000). */
const cut = (text: string | undefined, max: number) => (text ?? '').slice(0, max);

function element(block: InputBlock): Record<string, unknown> | null {
  const e = block.element ?? {};
  const common = { display_name: cut(block.label?.text, 24), name: block.block_id, optional: block.optional === true, ...(block.hint?.text ? { help_text: cut(block.hint.text, 150) } : {}) };
  switch (e.type) {
    case 'plain_text_input':
      return { ...common, type: e.multiline ? 'textarea' : 'text', max_length: e.multiline ? 3000 : 150, ...(e.initial_value ? { default: e.initial_value } : {}) };
    case 'static_select':
      return { ...common, type: 'select', options: (e.options ?? []).map((o) => ({ text: cut(o.text?.text, 150), value: o.value })), ...(e.initial_option?.value ? { default: e.initial_option.value } : {}) };
    // One checkbox: Mattermost's bool, labelled by its placeholder.
    case 'checkboxes':
      return { ...common, type: 'bool', placeholder: cut(e.options?.[0]?.text?.text, 150) };
    default:
      return null;
  }
}

/** The body of POST /actions/dialogs/open for a presenters' modal. */
export function dialogOf(view: SlackView, trigger: string, url: string, signer: ActionSigner): Record<string, unknown> {
  const callbackId = view.callback_id ?? '';
  return {
    trigger_id: trigger,
    url,
    dialog: {
      callback_id: callbackId,
      title: cut(view.title?.text, 24),
      submit_label: view.submit?.text ?? 'Submit',
      notify_on_cancel: false,
      state: dialogState(signer, callbackId, view.private_metadata ?? ''),
      elements: (view.blocks ?? []).filter((b) => b.type === 'input').map(element).filter((e) => e !== null),
    },
  };
}

/** A submission's values as the presenters' forms read them: text trimmed, a checked box as its own name, empty ones absent. */
export function submittedFields(submission: unknown): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries((submission ?? {}) as Record<string, unknown>)) {
    const text = value === true ? name : typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
    if (text) fields[name] = text;
  }
  return fields;
}

interface ButtonBlock {
  type?: string;
  elements?: { type?: string; action_id?: string; text?: Text; value?: string; style?: string }[];
}

/** The `actions` blocks' buttons as one attachment of integration actions, each signed; none without an actions address. */
export function attachmentsOf(blocks: unknown[] | undefined, url: string | null, signer: ActionSigner): Record<string, unknown>[] {
  if (!url) return [];
  const buttons = ((blocks ?? []) as ButtonBlock[]).filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []).filter((e) => e.type === 'button' && e.action_id);
  if (!buttons.length) return [];
  const actions = buttons.map((b) => {
    const value = b.value ?? '';
    return {
      // Mattermost's action ids: letters and digits only.
      id: b.action_id!.replace(/[^A-Za-z0-9]/g, ''),
      name: b.text?.text ?? b.action_id,
      type: 'button',
      style: b.style === 'primary' ? 'primary' : 'default',
      integration: { url, context: { action: b.action_id, value, sig: signer.sign('button', b.action_id!, value) } },
    };
  });
  return [{ actions }];
}
