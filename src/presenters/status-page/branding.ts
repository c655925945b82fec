/**
 * The page's look, from the configuration: the organization's colours in one stylesheet,
 * served as a file (the Content-Security-Policy allows no inline style or script).
 * Readable whatever the brand: text on the brand colour is black or white, whichever
 * contrasts more; the configured text and background must reach WCAG AA (4.5:1), and a
 * status is its words in the text colour, with only its symbol coloured.
 */
import { createHash } from 'node:crypto';

function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/** WCAG contrast ratio of two `#rrggbb` colours, 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

/** Black or white, whichever reads better on `background`. */
export function textOn(background: string): string {
  return contrastRatio(background, '#000000') >= contrastRatio(background, '#ffffff') ? '#000000' : '#ffffff';
}

export interface Colors {
  brand: string;
  background: string;
  text: string;
}

export function stylesheet(colors: Colors): string {
  return `:root{--brand:${colors.brand};--on-brand:${textOn(colors.brand)};--bg:${colors.background};--text:${colors.text}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--text);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
a{color:inherit}
.skip{position:absolute;left:-9999px}.skip:focus{left:1rem;top:1rem;background:#fff;color:#000;padding:.5rem;z-index:1}
.wrap{max-width:52rem;margin:0 auto;padding:0 1rem}
.masthead{background:var(--brand);color:var(--on-brand);padding:1rem 0}
.masthead .wrap{display:flex;align-items:center;gap:1rem}
.masthead img{max-height:2.5rem;max-width:12rem}
.masthead p{margin:0;font-weight:600;font-size:1.1rem}
h1{font-size:1.6rem;margin:1.5rem 0 1rem}
h2{font-size:1.25rem;margin:2rem 0 .75rem}
h3{font-size:1.05rem;margin:0 0 .25rem}
.overall{border:2px solid;border-radius:.5rem;padding:1rem;margin:1rem 0}
.overall h2{margin:0;font-size:1.3rem}
.overall p{margin:.25rem 0 0}
.indicator-none{border-color:#1a7f37}.indicator-minor{border-color:#8a6100}.indicator-major{border-color:#b35900}.indicator-critical{border-color:#c62828}
.components,.updates,.incidents{list-style:none;margin:0;padding:0}
.components>li{display:flex;flex-wrap:wrap;justify-content:space-between;gap:.5rem;padding:.6rem 0;border-bottom:1px solid rgba(127,127,127,.35)}
.components .desc{flex-basis:100%;margin:0;font-size:.9rem;opacity:.85}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.uptime{flex-basis:100%}
.days{display:flex;gap:1px;list-style:none;margin:.25rem 0 0;padding:0;height:1.75rem}
.day{flex:1 1 0;min-width:0;border-radius:1px;background:#1a7f37}
.day-under_maintenance{background:#1f5fad}.day-degraded_performance{background:#8a6100}.day-partial_outage{background:#b35900}
.day-major_outage{background:#c62828}.day-no_data{background:rgba(127,127,127,.35)}
.uptime-scale{display:flex;justify-content:space-between;margin:.1rem 0 0;font-size:.8rem}
.uptime-figure{font-weight:600}
.uptime-note{font-size:.85rem;margin:.75rem 0 0}
.pager{display:flex;flex-wrap:wrap;justify-content:space-between;gap:1rem;margin:2rem 0}
.status{font-weight:600;white-space:nowrap}
.status::before{display:inline-block;width:1.2em;text-align:center;margin-right:.25em}
.status-operational::before{content:"✓";color:#1a7f37}
.status-under_maintenance::before{content:"◆";color:#1f5fad}
.status-degraded_performance::before{content:"▲";color:#8a6100}
.status-partial_outage::before{content:"▲";color:#b35900}
.status-major_outage::before{content:"✕";color:#c62828}
.incident{border-left:4px solid var(--brand);padding:.25rem 0 .25rem 1rem;margin:1rem 0}
.meta,.next,.when{margin:.25rem 0;font-size:.95rem}
.updates li{padding:.5rem 0;border-top:1px solid rgba(127,127,127,.25)}
.updates li p{margin:.25rem 0}
.update-status{margin:.25rem 0 0;font-size:1rem}
.body p{margin:.25rem 0}
.subscribe{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}
.subscribe label{flex-basis:100%}
.subscribe input{flex:1 1 14rem;padding:.5rem;font:inherit;color:var(--text);background:var(--bg);border:1px solid var(--text);border-radius:.25rem}
.subscribe button{padding:.5rem 1rem;font:inherit;font-weight:600;color:var(--on-brand);background:var(--brand);border:0;border-radius:.25rem;cursor:pointer}
footer{margin:3rem 0 2rem;font-size:.9rem;opacity:.9}
@media (max-width:30rem){body{font-size:15px}.components>li{flex-direction:column;gap:0}}
`;
}

/** A short content hash for the stylesheet's URL, so browsers and CDNs may cache it for good. */
export function contentHash(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 16);
}
