/**
 * Update text is the responders' Markdown; on the public page it must never carry
 * anything that runs. markdown-it with raw HTML off turns it into HTML, then sanitize-html
 * keeps only an allow-list of tags and attributes and only http(s)/mailto links — belt and
 * braces, since a bug in either alone would otherwise reach every reader.
 */
import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false, breaks: true });
// Linkify and links are limited to web and mail addresses before sanitize-html sees them.
markdown.validateLink = (url) => /^(https?:|mailto:)/i.test(url.trim());

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'strong', 'em', 'code', 'pre', 'ul', 'ol', 'li', 'a', 'blockquote', 'del', 's', 'hr'],
  allowedAttributes: { a: ['href', 'rel'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'escape',
  transformTags: {
    // External links leave without telling the target who sent the reader.
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: 'nofollow noopener noreferrer' } }),
  },
};

/** Markdown → HTML safe to put inside the page. */
export function renderMarkdown(text: string): string {
  return sanitizeHtml(markdown.render(text), SANITIZE);
}

/** A whole document (a published postmortem): the same rules, with headings and tables as well. */
const DOCUMENT: sanitizeHtml.IOptions = {
  ...SANITIZE,
  allowedTags: [...(SANITIZE.allowedTags as string[]), 'h2', 'h3', 'h4', 'table', 'thead', 'tbody', 'tr', 'th', 'td'],
  // The page has its own h1; the document's headings sit one level below it.
  transformTags: { ...SANITIZE.transformTags, h1: 'h2' },
};

export function renderDocument(text: string): string {
  return sanitizeHtml(markdown.render(text), DOCUMENT);
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Plain text (titles, component names) for HTML text and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}
