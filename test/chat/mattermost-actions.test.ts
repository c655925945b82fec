/**
 * POST /mattermost/actions refuses what this server did not sign (a dialog's state, a button's
 * context: 401 naming the field, nothing stored), takes a dialog submitted twice once; and the
 * Scribe's reactions are captured once each across a dropped WebSocket and a restart, read
 * back through the REST API from the room's cursor.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../support/harness.js';
import { mattermostApp, type MattermostApp } from '../support/mattermost-app.js';

const API = '/api/v1';

describe.each(STORE_KINDS)('Mattermost dialogs, buttons and reactions (%s)', (kind) => {
  let s: MattermostApp;
  let alice: string;
  let bob: string;

  const people = async (app: MattermostApp) => {
    for (const [handle, id] of [['alice', alice], ['bob', bob]] as const) {
      const res = await app.api('POST', `${API}/people`, { handle, name: handle, role: 'responder', chat: { mattermost: id } });
      expect(res.statusCode, res.body).toBe(201);
    }
  };

  beforeEach(async () => {
    s = await mattermostApp(kind);
    s.mm.addChannel('town-square');
    alice = s.mm.addUser('alice', 'alice@example.com');
    bob = s.mm.addUser('bob', 'bob@example.com');
    await people(s);
  });
  afterEach(async () => {
    expect(s.mm.violations).toEqual([]);
    await s.close();
  });

  const incidents = async () => (await s.api('GET', `${API}/incidents`)).json() as { id: string; channel: string; roles: { incident_commander: string } }[];
  const declare = async () => {
    await s.command(alice, 'town-square', 'declare SEV2 Checkout errors');
    await s.settle();
    return s.mm.channelByName((await incidents())[0]!.channel)!;
  };

  it('refuses a forged dialog state or button context with 401 naming the field; a cancelled dialog and a second submission change nothing', async () => {
    await s.command(alice, 'town-square', '');
    await s.settle();
    const dialog = s.mm.dialogs.at(-1)!;
    const town = s.mm.channelByName('town-square')!.id;
    const filled = { title: 'Checkout errors', severity: 'SEV2', private: false };
    const state = JSON.parse(dialog.dialog.state) as { metadata: string; nonce: string; sig: string };
    for (const forged of ['', 'not json', JSON.stringify({ ...state, metadata: 'elsewhere' }), JSON.stringify({ ...state, sig: '0'.repeat(64) })]) {
      const res = await s.submit(alice, town, dialog, filled, forged);
      expect(res.statusCode).toBe(401);
      expect(res.json().error.details.field).toBe('state');
    }
    // The state of one form does not pass for another's.
    const asUpdate = await s.submit(alice, town, { ...dialog, dialog: { ...dialog.dialog, callback_id: 'update' } }, filled);
    expect([asUpdate.statusCode, asUpdate.json().error.details.field]).toEqual([401, 'state']);
    const cancelled = await s.app.inject({ method: 'POST', url: '/mattermost/actions', headers: { 'content-type': 'application/json' }, payload: { type: 'dialog_submission', callback_id: 'declare', state: dialog.dialog.state, user_id: alice, cancelled: true } });
    expect([cancelled.statusCode, cancelled.json()]).toEqual([200, {}]);
    await s.settle();
    expect(await incidents()).toEqual([]);

    // Mattermost may post a submission twice (a double click): one incident.
    for (let i = 0; i < 2; i++) expect((await s.submit(alice, town, dialog, filled)).statusCode).toBe(200);
    await s.settle();
    expect(await incidents()).toHaveLength(1);

    const room = s.mm.channelByName((await incidents())[0]!.channel)!;
    await s.command(alice, room.id, 'role ic @bob');
    await s.settle();
    const offer = [...s.mm.channels.values()].find((c) => c.type === 'D' && c.members.includes(bob))!.posts.at(-1)!;
    const context = (offer.props.attachments as { actions: { id: string; integration: { url: string; context: Record<string, string> } }[] }[])[0]!.actions[0]!.integration.context;
    for (const forged of [undefined, {}, { ...context, value: JSON.stringify({ incident: 1, handoff: 'other' }) }, { ...context, action: 'handoff_decline' }]) {
      const res = await s.click(bob, offer, 'handoffaccept', forged ?? null);
      expect(res.statusCode).toBe(401);
      expect(res.json().error.details.field).toBe('context');
    }
    await s.settle();
    expect((await incidents())[0]!.roles.incident_commander).toBe('alice');
    // Someone else than the person offered is refused by the command, and told so.
    await s.click(alice, offer, 'handoffaccept');
    await s.settle();
    expect((await incidents())[0]!.roles.incident_commander).toBe('alice');
    expect(s.mm.ephemerals.at(-1)!.message).toMatch(/^Not done: /);
    await s.click(bob, offer, 'handoffaccept');
    await s.settle();
    expect((await incidents())[0]!.roles.incident_commander).toBe('bob');
  });

  it('captures each reaction once: live, while the WebSocket was down (read back on reconnect), and while the server was stopped (read back on start)', async () => {
    const room = await declare();
    const timeline = async (app: MattermostApp) =>
      ((await app.api('GET', `${API}/incidents/INC-1/timeline`)).json() as { kind: string; text: string }[]).filter((e) => ['note', 'hypothesis', 'ruled_out', 'decision'].includes(e.kind)).map((e) => [e.kind, e.text]);
    await s.until(async () => s.mm.connections > 0);

    const first = s.mm.userPost(room.id, bob, 'Errors began at 14:14', s.clock.now().getTime());
    s.mm.react(first, alice, 'pushpin');
    // Not a capture reaction: nothing.
    s.mm.react(first, alice, 'smile');
    await s.until(async () => (await timeline(s)).length === 1);

    // The connection drops; a reaction meanwhile is read back when it is up again.
    s.mm.dropSockets();
    const second = s.mm.userPost(room.id, bob, 'The pool is exhausted', s.clock.now().getTime());
    s.mm.react(second, alice, 'bulb');
    await s.until(async () => s.mm.connections > 1 && (await timeline(s)).length === 2);
    // Where reading back left off is kept with the room, for the next start.
    expect((await s.store.chat.watchedRooms()).map((r) => [r.room, r.seenUntil !== null])).toEqual([[room.id, true]]);

    // The server stops; reactions while it is down are read back when it starts again, from the stored cursor.
    const db = s.db;
    const mm = s.mm;
    const before = s;
    s = { ...before, close: async () => undefined };
    await before.app.close();
    await before.store.close();
    const third = mm.userPost(room.id, bob, 'Rollback did not help', s.clock.now().getTime());
    mm.react(third, alice, 'x');
    const again = await mattermostApp(kind, {}, { db, mm });
    s = { ...again, close: async () => { await again.close(); await mm.close(); await db.cleanup(); } };
    await s.until(async () => (await timeline(s)).length === 3);
    // Seen live and read back alike, each once.
    await s.workers.chatReactions!.readBack();
    await s.settle();
    expect(await timeline(s)).toEqual([
      ['note', '@bob: Errors began at 14:14'],
      ['hypothesis', '@bob: The pool is exhausted'],
      ['ruled_out', '@bob: Rollback did not help'],
    ]);
    expect(mm.connections).toBeGreaterThanOrEqual(3);
  });
});
