/** people (list/add) and token: the team that can be named in an incident. */
import { Option, type Command } from 'commander';
import { ApiError, UsageError, type IssuedToken, type Person } from '../client.js';
import { handle } from '../args.js';
import { peopleTable, table } from '../format.js';
import { client, examples, print, printError, printJson, run, withJson, type JsonOption } from './shared.js';

interface AddOptions extends JsonOption {
  email?: string;
  role?: 'admin' | 'responder' | 'viewer';
  slack?: string;
  mattermost?: string;
  teams?: string;
}

/** The chat ids given as options, or undefined. */
function chatIds(o: { slack?: string; mattermost?: string; teams?: string }): Record<string, string> | undefined {
  const ids = {
    ...(o.slack !== undefined ? { slack: o.slack } : {}),
    ...(o.mattermost !== undefined ? { mattermost: o.mattermost } : {}),
    ...(o.teams !== undefined ? { teams: o.teams.toLowerCase() } : {}),
  };
  return Object.keys(ids).length ? ids : undefined;
}

export function peopleCommand(program: Command): void {
  const people = program.command('people').description('list, add, edit, deactivate or reactivate the people who can be named in an incident');
  examples(people, ['incident people list', 'incident people add priya "Priya Shah" --email priya@example.com', 'incident token priya']);

  const list = people.command('list', { isDefault: true }).alias('ls').description('list people');
  withJson(list);
  list.action(
    run(async (o: JsonOption) => {
      const found = await client().all<Person>('/people');
      if (o.json) printJson(found);
      else print(peopleTable(found));
    }),
  );

  const add = people
    .command('add')
    .description('add a person (admin); then issue them a token with "incident token <handle>"')
    .argument('<handle>', 'lower-case handle, e.g. priya')
    .argument('<name>', 'their name')
    .option('--email <address>', 'for update and reminder e-mail')
    .addOption(new Option('--role <role>', 'what they may do').choices(['admin', 'responder', 'viewer']).default('responder'))
    .option('--slack <userId>', 'their Slack user id (U…)')
    .option('--mattermost <userId>', 'their Mattermost user id (26 letters and digits)')
    .option('--teams <objectId>', 'their Microsoft Entra object id (Teams)');
  withJson(add);
  examples(add, ['incident people add alex "Alex Kim"', 'incident people add vp "Morgan Lee" --role viewer --email morgan@example.com']);
  add.action(
    run(async (handleText: string, name: string, o: AddOptions) => {
      const body = { handle: handle(handleText), name, email: o.email, role: o.role, chat: chatIds(o) };
      const person = await client().post<Person>('/people', body);
      if (o.json) printJson(person);
      else print(`Added @${person.handle} (${person.name}, ${person.role}). Issue a token: incident token ${person.handle}`);
    }),
  );
  lifecycleCommands(people);
}

interface EditOptions extends JsonOption {
  name?: string;
  email?: string;
  role?: 'admin' | 'responder' | 'viewer';
  slack?: string;
  mattermost?: string;
  teams?: string;
}

function lifecycleCommands(people: Command): void {
  const edit = people
    .command('edit')
    .description('change a person (admin): name, e-mail, role, Slack, Mattermost or Teams id')
    .argument('<handle>', 'whom')
    .option('--name <name>', 'their name')
    .option('--email <address>', 'their e-mail ("" to clear it)')
    .addOption(new Option('--role <role>', 'what they may do').choices(['admin', 'responder', 'viewer']))
    .option('--slack <userId>', 'their Slack user id (U…)')
    .option('--mattermost <userId>', 'their Mattermost user id')
    .option('--teams <objectId>', 'their Microsoft Entra object id (Teams)');
  withJson(edit);
  examples(edit, ['incident people edit priya --role admin', 'incident people edit alex --email alex@example.com']);
  edit.action(
    run(async (handleText: string, o: EditOptions) => {
      const body = {
        ...(o.name !== undefined ? { name: o.name } : {}),
        ...(o.email !== undefined ? { email: o.email === '' ? null : o.email } : {}),
        ...(o.role !== undefined ? { role: o.role } : {}),
      };
      const ids = chatIds(o);
      if (Object.keys(body).length === 0 && !ids) throw new UsageError('say what to change: --name, --email, --role, --slack, --mattermost or --teams');
      // The API replaces a person's chat ids as a whole: the ones not given are kept.
      const chat = ids ? { chat: { ...(await client().get<Person>(`/people/${handle(handleText)}`)).chat, ...ids } } : {};
      Object.assign(body, chat);
      const person = await client().patch<Person>(`/people/${handle(handleText)}`, body);
      if (o.json) printJson(person);
      else print(`@${person.handle}: ${person.name}, ${person.role}${person.email ? `, ${person.email}` : ''}`);
    }),
  );

  const deactivate = people
    .command('deactivate')
    .description('deactivate someone who left (admin): their tokens and sessions are revoked at once; history keeps their name')
    .argument('<handle>', 'whom');
  withJson(deactivate);
  deactivate.action(
    run(async (handleText: string, o: JsonOption) => {
      const person = await client().post<Person>(`/people/${handle(handleText)}/deactivate`);
      if (o.json) printJson(person);
      else print(`Deactivated @${person.handle}: every token and session is revoked.`);
    }),
  );

  const reactivate = people.command('reactivate').description('reactivate a person (admin); they need a new token').argument('<handle>', 'whom');
  withJson(reactivate);
  reactivate.action(
    run(async (handleText: string, o: JsonOption) => {
      const person = await client().post<Person>(`/people/${handle(handleText)}/reactivate`);
      if (o.json) printJson(person);
      else print(`Reactivated @${person.handle}. Issue a token: incident token create ${person.handle}`);
    }),
  );
}

interface TokenInfo {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  expired: boolean;
}

export function tokenCommand(program: Command): void {
  const token = program
    .command('token')
    .summary('issue, list or revoke API tokens')
    .description('API tokens: create (shown once), list (never the secret), revoke. Yourself, or anyone as an admin.');
  examples(token, ['incident token create priya --name laptop --expires-in 30d', 'incident token list priya', 'incident token revoke tok_1a2b3c4d5e6f']);

  const create = token
    .command('create', { isDefault: true })
    .description("issue an API token for a person (admins: anyone; others: themselves); it is shown once")
    .argument('<handle>', 'whose token')
    .option('--name <label>', 'what the token is for (laptop, ci…)')
    .option('--expires-in <duration>', 'e.g. 30d or 12h; "never" for a service token (admins); default: the server\'s auth.tokenLifetime');
  withJson(create);
  examples(create, ['incident token create priya', 'export INCIDENT_TOKEN=$(incident token create priya --name laptop)', '', 'Prints only the token on stdout, so it can be captured.']);
  create.action(
    run(async (handleText: string, o: JsonOption & { name?: string; expiresIn?: string }) => {
      const person = handle(handleText);
      const body = { ...(o.name ? { name: o.name } : {}), ...(o.expiresIn ? { expiresIn: o.expiresIn } : {}) };
      const issued = await client().post<IssuedToken>(`/people/${person}/tokens`, body);
      if (o.json) {
        printJson(issued);
        return;
      }
      if (issued.token === null)
        throw new ApiError(409, 'TOKEN_ANSWER_LOST', `token ${issued.id} was issued, but its answer was lost on the way and a token is shown only once: run this again for a new one`);
      print(issued.token);
      if (process.stderr.isTTY)
        printError(`Token ${issued.id} for @${issued.person} (${issued.name}), ${issued.expiresAt ? `expires ${issued.expiresAt}` : 'never expires'}; it is shown once. They use it as INCIDENT_TOKEN.\n`);
    }),
  );

  const list = token.command('list').alias('ls').description("list a person's tokens (default: your own)").argument('[handle]', 'whose tokens');
  withJson(list);
  list.action(
    run(async (handleText: string | undefined, o: JsonOption) => {
      const whose = handleText ? handle(handleText) : (await client().get<{ person: Person }>('/me')).person.handle;
      const tokens = await client().all<TokenInfo>(`/people/${whose}/tokens`);
      if (o.json) printJson(tokens);
      else
        print(
          tokens.length
            ? table(
                ['ID', 'NAME', 'CREATED', 'LAST USED', 'EXPIRES'],
                tokens.map((t) => [t.id, t.name, t.createdAt, t.lastUsedAt ?? 'never', t.expiresAt === null ? 'never' : `${t.expiresAt}${t.expired ? ' (expired)' : ''}`]),
              )
            : `@${whose} has no tokens.`,
        );
    }),
  );

  const revoke = token.command('revoke').description('revoke a token (yours, or anyone\'s as an admin): refused from the next request on').argument('<id>', 'the token id (tok_…)');
  revoke.action(
    run(async (id: string) => {
      await client().delete(`/tokens/${encodeURIComponent(id)}`);
      print(`Revoked ${id}.`);
    }),
  );
}
