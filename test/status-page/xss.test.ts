/**
 * Item 9, safe: known XSS payloads in incident titles, update text and component names,
 * rendered into the HTML pages, the Atom feed and the JSON. The output is parsed (jsdom,
 * and the feed as XML, its entries' HTML parsed again) and searched for anything that runs:
 * script-capable elements, event-handler attributes, javascript:/data:/vbscript: URLs, inline style.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JSDOM } from 'jsdom';
import { STORE_KINDS, testApp, type TestApp } from '../support/harness.js';
import { API, ok } from '../api/helpers.js';
import { publicGet } from './support.js';
import { subscribeFormHtml } from '../../src/presenters/status-page/subscriber-pages.js';

const PAYLOADS = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<svg onload=alert(1)>',
  '"><script>alert(1)</script>',
  "'><img src=x onerror=alert(1)>",
  'javascript:alert(1)',
  '[click](javascript:alert(1))',
  '[click](JaVaScRiPt:alert(1))',
  '[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '[click](vbscript:msgbox(1))',
  '<a href="javascript:alert(1)">x</a>',
  '<iframe src="javascript:alert(1)"></iframe>',
  '<body onload=alert(1)>',
  '<details open ontoggle=alert(1)>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '![x](javascript:alert(1))',
  '![x](x" onerror="alert(1))',
  '<object data="javascript:alert(1)"></object>',
  '<embed src="data:text/html,<script>alert(1)</script>">',
  "<style>@import 'javascript:alert(1)'</style>",
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '<base href="javascript:alert(1)//">',
  '<form action="javascript:alert(1)"><button>x</button></form>',
  '<input autofocus onfocus=alert(1)>',
  '<video><source onerror=alert(1)></video>',
  '<<script>script>alert(1)<</script>/script>',
  '<scr<script>ipt>alert(1)</scr</script>ipt>',
  '&lt;script&gt;alert(1)&lt;/script&gt;',
  '[x](&#106;avascript:alert(1))',
  '<a href="&#x6A;avascript:alert(1)">x</a>',
  '`<script>alert(1)</script>`',
  '<div style="background:url(javascript:alert(1))">x</div>',
  ']]><script>alert(1)</script>',
  '<![CDATA[<script>alert(1)</script>]]>',
  '<!--<script>alert(1)</script>-->',
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
  'https://example.com/"onmouseover="alert(1)',
  '<a href=https://example.com onclick=alert(1)>x</a>',
  '[x](https://example.com "title\\" onmouseover=\\"alert(1)")',
  '\u2028<script>alert(1)</script>',
];

/** What our pages may contain at all; anything else came from a payload. */
const ALLOWED_ELEMENTS = new Set([
  'HTML', 'HEAD', 'META', 'TITLE', 'LINK', 'BODY', 'A', 'HEADER', 'DIV', 'P', 'MAIN', 'H1', 'H2', 'H3', 'H4', 'SECTION', 'ARTICLE',
  'OL', 'UL', 'LI', 'SPAN', 'TIME', 'STRONG', 'EM', 'CODE', 'PRE', 'BLOCKQUOTE', 'BR', 'HR', 'DEL', 'S', 'FOOTER',
]);
const URL_ATTRIBUTES = ['href', 'src', 'action', 'formaction', 'data', 'poster', 'xlink:href', 'background'];

/** The subscription form as it must be for these components (their names escaped), parsed as the page's is. */
let subscribeForm = new JSDOM(subscribeFormHtml()).window.document.querySelector('form')!.outerHTML;

function expectInert(document: Document, where: string) {
  // The one form the page has on purpose (e-mail subscription, src/subscribers) is checked whole, then set aside.
  for (const form of document.querySelectorAll('form')) {
    expect(form.outerHTML, `${where}: a form`).toBe(subscribeForm);
    form.remove();
  }
  for (const element of document.querySelectorAll('*')) {
    expect(ALLOWED_ELEMENTS.has(element.tagName), `${where}: <${element.tagName.toLowerCase()}>`).toBe(true);
    for (const attribute of element.attributes) {
      expect(attribute.name.startsWith('on'), `${where}: ${attribute.name} on <${element.tagName.toLowerCase()}>`).toBe(false);
      expect(attribute.name, `${where}: inline style`).not.toBe('style');
      if (URL_ATTRIBUTES.includes(attribute.name)) {
        // eslint-disable-next-line no-control-regex
        const url = attribute.value.replace(/[\u0000-\u0020]/g, '').toLowerCase();
        expect(/^(javascript|data|vbscript):/.test(url), `${where}: ${attribute.name}="${attribute.value}"`).toBe(false);
      }
    }
  }
  for (const meta of document.querySelectorAll('meta')) expect(meta.hasAttribute('http-equiv'), `${where}: meta http-equiv`).toBe(false);
}

describe.each(STORE_KINDS)('item 9: XSS payloads (%s)', (kind) => {
  let t: TestApp;
  const incidents: string[] = [];

  beforeAll(async () => {
    t = await testApp(kind);
    await t.app.ready();
    for (const [i, payload] of PAYLOADS.entries()) {
      await ok(t, 201, 'POST', `${API}/components`, { id: `c${i}`, name: payload.slice(0, 120), group: payload.slice(0, 120), description: payload });
      const incident = await ok(t, 201, 'POST', `${API}/incidents`, { title: payload, severity: 'SEV2', components: [`c${i}`] });
      incidents.push(incident.id);
      await ok(t, 201, 'POST', `${API}/incidents/${incident.id}/updates`, { status: 'identified', impact: payload, whatWeKnow: payload, nextStep: payload });
    }
    // The form offers each component by name: the hostile names must come out as the escaped ones.
    const components = (await ok(t, 200, 'GET', `${API}/components`)) as { id: string; name: string }[];
    subscribeForm = new JSDOM(subscribeFormHtml(components)).window.document.querySelector('form')!.outerHTML;
  }, 120_000);
  afterAll(() => t.close());

  it(`uses at least 30 payloads (${PAYLOADS.length})`, () => {
    expect(PAYLOADS.length).toBeGreaterThanOrEqual(30);
  });

  it('item 9: /status carries no executable content, and shows titles and component names as text', async () => {
    const res = await publicGet(t, '/status');
    const document = new JSDOM(res.body).window.document;
    expectInert(document, '/status');
    const titles = [...document.querySelectorAll('article.incident h3')].map((h) => h.textContent);
    // Stored trimmed, as every title and name is.
    for (const payload of PAYLOADS) expect(titles).toContain(payload.trim());
    const names = [...document.querySelectorAll('.components .name')].map((n) => n.textContent);
    for (const payload of PAYLOADS) expect(names).toContain(payload.slice(0, 120).trim());
  });

  it('item 9: every incident page carries no executable content', async () => {
    for (const id of incidents) {
      const res = await publicGet(t, `/status/incidents/${id}`);
      expect(res.statusCode).toBe(200);
      expectInert(new JSDOM(res.body).window.document, `/status/incidents/${id}`);
    }
  });

  it('item 9: the Atom feed is well-formed XML whose entry HTML carries no executable content', async () => {
    const res = await publicGet(t, '/status/feed.atom');
    const xml = new JSDOM(res.body, { contentType: 'application/xml' }).window.document;
    expect(xml.querySelector('parsererror')).toBeNull();
    expect(xml.getElementsByTagName('script')).toHaveLength(0);
    const entries = [...xml.getElementsByTagName('entry')];
    expect(entries.length).toBe(PAYLOADS.length);
    for (const entry of entries) {
      const title = entry.getElementsByTagName('title')[0]!.textContent!;
      expect(PAYLOADS.some((p) => title === `[Identified] ${p.trim()}`), title).toBe(true);
      const html = entry.getElementsByTagName('content')[0]!.textContent!;
      expectInert(new JSDOM(`<!doctype html><body>${html}`).window.document, `feed entry ${title}`);
    }
  });

  it('item 9: the JSON keeps the text exactly, with no <, > or & in its bytes', async () => {
    for (const url of ['/api/v2/summary.json', '/api/v2/incidents.json', '/api/v2/components.json', '/api/v2/incidents/unresolved.json']) {
      const res = await publicGet(t, url);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.body).not.toMatch(/[<>&]/);
      const names = JSON.stringify(res.json());
      for (const payload of PAYLOADS) expect(names).toContain(JSON.stringify(payload.slice(0, 120).trim()).slice(1, -1));
    }
  });
});
