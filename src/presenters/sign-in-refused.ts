/** The page a browser lands on when the OpenID provider's answer does not let it in: what happened and where to go next. */
import { escapeHtml } from './email.js';

export function signInRefusedPage(input: { organization: string; provider: string; message: string }): string {
  const title = `${escapeHtml(input.organization)}: not signed in`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;line-height:1.5;color:#1a1a1a;background:#fff}a{color:#1f4e8c}</style>
</head>
<body>
<main>
<h1>You are not signed in</h1>
<p>Signing in with ${escapeHtml(input.provider)} did not let you in.</p>
<p><strong>${escapeHtml(input.message)}</strong></p>
<p><a href="/">Back to the sign-in page</a></p>
</main>
</body>
</html>
`;
}
