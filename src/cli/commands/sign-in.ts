/** sign-in: how people sign in to the console; an admin may turn the API token form off once single sign-on works. */
import { Option, type Command } from 'commander';
import { client, examples, print, printJson, run, withJson, type JsonOption } from './shared.js';

interface SignInOptions {
  tokenSignIn: boolean;
  oidc: { name: string; loginUrl: string } | null;
}

export function signInCommand(program: Command): void {
  const cmd = program
    .command('sign-in')
    .description('how people sign in to the console: single sign-on and the API token form (API tokens always work for the CLI)')
    .addOption(new Option('--token <on|off>', 'turn console sign-in with an API token on or off (admin; off needs auth.oidc)').choices(['on', 'off']));
  withJson(cmd);
  examples(cmd, ['incident sign-in', 'incident sign-in --token off']);
  cmd.action(
    run(async (o: JsonOption & { token?: 'on' | 'off' }) => {
      if (o.token) await client().put('/auth/settings', { tokenSignIn: o.token === 'on' });
      const options = await client().get<SignInOptions>('/auth/options');
      if (o.json) printJson(options);
      else print(`Single sign-on: ${options.oidc ? `on (${options.oidc.name})` : 'off (auth.oidc is not configured)'}\nAPI token sign-in: ${options.tokenSignIn ? 'on' : 'off'}`);
    }),
  );
}
