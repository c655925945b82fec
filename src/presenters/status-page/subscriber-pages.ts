/**
 * The subscription pages, server-rendered and working without JavaScript: the form the
 * status page embeds, and the answers to subscribing, confirming and unsubscribing. A
 * link from a mail opens a page with one button (a POST): mail scanners that fetch every
 * link must not confirm or unsubscribe anyone. Pure.
 */
import { escapeHtml } from './markdown.js';

/** No scripts, no styles from elsewhere, forms only back to us. */
export const SUBSCRIPTION_CSP = "default-src 'none'; style-src 'self'; img-src 'self' https:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** The e-mail subscription form for the status page; with components, a choice of which to follow (none ticked: all). */
export function subscribeFormHtml(components: readonly { id: string; name: string }[] = []): string {
  const choice = components.length
    ? [
        '<fieldset class="follow"><legend>Only about these components (leave all unticked to hear about everything)</legend>',
        ...components.map(
          (c, i) =>
            `<label for="follow-${i}"><input id="follow-${i}" type="checkbox" name="components" value="${escapeHtml(c.id)}"> ${escapeHtml(c.name)}</label>`,
        ),
        '</fieldset>',
      ]
    : [];
  return [
    '<form class="subscribe" method="post" action="/status/subscribe">',
    '<label for="subscribe-email">Get an e-mail whenever we post an update</label>',
    '<input id="subscribe-email" name="email" type="email" required maxlength="254" autocomplete="email" placeholder="you@example.com">',
    ...choice,
    '<button type="submit">Subscribe</button>',
    '</form>',
  ].join('\n');
}

function layout(pageTitle: string, heading: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(heading)} · ${escapeHtml(pageTitle)}</title></head>
<body>
<main>
<h1>${escapeHtml(heading)}</h1>
${body}
<p><a href="/status">Back to ${escapeHtml(pageTitle)}</a></p>
</main>
</body>
</html>
`;
}

/** The same answer whatever the address's state: the form never tells who is subscribed. */
export function checkInboxPage(pageTitle: string): string {
  return layout(pageTitle, 'Check your inbox', '<p>If that address can be subscribed, a message with a confirmation link is on its way. Nothing is sent until you confirm.</p>');
}

function oneButton(action: string, token: string, label: string): string {
  return `<form method="post" action="${escapeHtml(action)}"><input type="hidden" name="token" value="${escapeHtml(token)}"><button type="submit">${escapeHtml(label)}</button></form>`;
}

export function confirmPage(pageTitle: string, token: string): string {
  return layout(pageTitle, 'Confirm your subscription', `<p>Press the button to get an e-mail whenever ${escapeHtml(pageTitle)} posts an update.</p>\n${oneButton('/status/subscription/confirm', token, 'Confirm')}`);
}

export function confirmedPage(pageTitle: string): string {
  return layout(pageTitle, 'Subscribed', '<p>You will get an e-mail whenever we post an update. Every message has a link to unsubscribe.</p>');
}

export function unsubscribePage(pageTitle: string, token: string): string {
  return layout(pageTitle, 'Unsubscribe', `<p>Press the button to stop the e-mails from ${escapeHtml(pageTitle)}.</p>\n${oneButton('/status/unsubscribe', token, 'Unsubscribe')}`);
}

export function unsubscribedPage(pageTitle: string): string {
  return layout(pageTitle, 'Unsubscribed', '<p>You will get no more e-mails from this status page.</p>');
}

export function invalidLinkPage(pageTitle: string): string {
  return layout(pageTitle, 'This link is not valid', '<p>It may be old or already used. Subscribe again from the status page if you want updates.</p>');
}

export function unavailablePage(pageTitle: string): string {
  return layout(pageTitle, 'E-mail subscriptions are not available', '<p>This status page does not send e-mail. Its feed and JSON are linked from the page.</p>');
}
