/** people (list/add) and token: the team that can be named in an incident. */
import { Option, type Command } from 'commander';
import { ApiError, type IssuedToken, type Person } from '../client.js';
import { handle } from '../args.js';
import { peopleTable } from '../format.js';
import { client, examples, print, printJson, run, withJson, type JsonOption } from './shared.js';

interface AddOptions extends JsonOption {
  email?: string;
  role?: 'admin' | 'responder' | 'viewer';
  slack?: string;
}

export function peopleCommand(program: Command): void {
  const people = program.command('people').description('list or add the people who can be named in an incident');
  examples(people, ['incident people list', 'incident people add priya "Priya Shah" --email priya@example.com', 'incident token priya']);

  const list = people.command('list', { isDefault: true }).alias('ls').description('list people');
  withJson(list);
  list.action(
    run(async (o: JsonOption) => {
      const found = await client().get<Person[]>('/people');
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
    .option('--slack <userId>', 'their Slack user id (U…)');
  withJson(add);
  examples(add, ['incident people add alex "Alex Kim"', 'incident people add vp "Morgan Lee" --role viewer --email morgan@example.com']);
  add.action(
    run(async (handleText: string, name: string, o: AddOptions) => {
      const body = { handle: handle(handleText), name, email: o.email, role: o.role, chat: o.slack ? { slack: o.slack } : undefined };
      const person = await client().post<Person>('/people', body);
      if (o.json) printJson(person);
      else print(`Added @${person.handle} (${person.name}, ${person.role}). Issue a token: incident token ${person.handle}`);
    }),
  );
}

export function tokenCommand(program: Command): void {
  const cmd = program
    .command('token')
    .summary('issue an API token for a person (shown once)')
    .description("issue an API token for a person (admins: anyone; others: themselves); it is shown once")
    .argument('<handle>', 'whose token')
    .option('--name <label>', 'what the token is for (laptop, ci…)');
  withJson(cmd);
  examples(cmd, ['incident token priya', 'export INCIDENT_TOKEN=$(incident token priya --name laptop)', '', 'Prints only the token on stdout, so it can be captured.']);
  cmd.action(
    run(async (handleText: string, o: JsonOption & { name?: string }) => {
      const person = handle(handleText);
      const issued = await client().post<IssuedToken>(`/people/${person}/tokens`, o.name ? { name: o.name } : {});
      if (o.json) {
        printJson(issued);
        return;
      }
      if (issued.token === null)
        throw new ApiError(409, 'TOKEN_ANSWER_LOST', `token ${issued.id} was issued, but its answer was lost on the way and a token is shown only once: run this again for a new one`);
      print(issued.token);
      if (process.stderr.isTTY) process.stderr.write(`Token for @${issued.person} (${issued.name}); it is shown once. They use it as INCIDENT_TOKEN.\n`);
    }),
  );
}
