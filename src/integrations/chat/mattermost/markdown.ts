/**
 * Mattermost has no Block Kit: the presenters' messages (Slack mrkdwn in blocks, mentions as
 * `<@id>`, room links as `<#id>`) become one Markdown text. Pure; the adapter resolves ids
 * to names first.
 */
import type { ChatMessage } from '../port.js';

/** Mattermost's limit on a post's message (16383 runes); a header's is 1024. */
export const MAX_MESSAGE = 16_000;
export const MAX_HEADER = 1024;

interface Block {
  type?: string;
  text?: { text?: string };
  elements?: { text?: string }[];
}

/** The user and channel ids named in a message (`<@id>`, `<#id>`), to be resolved to names. */
export function namedIds(text: string): { users: string[]; channels: string[] } {
  const users = [...text.matchAll(/<@([A-Za-z0-9]+)>/g)].map((m) => m[1]!);
  const channels = [...text.matchAll(/<#([A-Za-z0-9]+)>/g)].map((m) => m[1]!);
  return { users: [...new Set(users)], channels: [...new Set(channels)] };
}

/** One line or paragraph of Slack mrkdwn as Mattermost Markdown, outside code. */
function inline(text: string, usernames: ReadonlyMap<string, string>, channelNames: ReadonlyMap<string, string>): string {
  return (
    text
      .replace(/<@([A-Za-z0-9]+)>/g, (_, id: string) => `@${usernames.get(id) ?? id}`)
      .replace(/<#([A-Za-z0-9]+)>/g, (_, id: string) => `~${channelNames.get(id) ?? id}`)
      .replace(/<(https?:[^|>]+)\|([^>]+)>/g, '[$2]($1)')
      // mrkdwn's *bold* is Markdown's **bold**; ** already doubled is left alone.
      .replace(/(^|[\s(])\*([^*\n]+)\*(?=$|[\s).,:;!?])/gm, '$1**$2**')
      .replace(/(^|[\s(])~([^~\n]+)~(?=$|[\s).,:;!?])/gm, '$1~~$2~~')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&')
  );
}

/** mrkdwn → Markdown; code (``` … ```) kept as written, as a fenced block. */
export function toMarkdown(mrkdwn: string, usernames: ReadonlyMap<string, string>, channelNames: ReadonlyMap<string, string>): string {
  return mrkdwn
    .split(/```/)
    .map((part, i) => (i % 2 === 1 ? `\n\`\`\`\n${part.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').trim()}\n\`\`\`\n` : inline(part, usernames, channelNames)))
    .join('')
    .trim();
}

/**
 * The message's Markdown: its blocks in order (a header as a heading, sections and context as
 * paragraphs); buttons are left out (interactive messages come in a later slice). Without
 * blocks, its plain text.
 */
export function messageMarkdown(message: ChatMessage, usernames: ReadonlyMap<string, string>, channelNames: ReadonlyMap<string, string>): string {
  if (!message.blocks?.length) return message.text.slice(0, MAX_MESSAGE);
  const parts: string[] = [];
  for (const block of message.blocks as Block[]) {
    if (block.type === 'header' && block.text?.text) parts.push(`#### ${block.text.text}`);
    else if (block.type === 'section' && block.text?.text) parts.push(toMarkdown(block.text.text, usernames, channelNames));
    else if (block.type === 'context' && block.elements) parts.push(block.elements.map((e) => toMarkdown(e.text ?? '', usernames, channelNames)).join(' '));
  }
  const text = parts.filter((p) => p.length).join('\n\n');
  return (text || message.text).slice(0, MAX_MESSAGE);
}
