import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Client, Pool } from 'pg';
import { WebSocketServer } from 'ws';
import { type AppEnvironment, type StartedApp, startTestApp, type TestApp } from './app-harness';

const fixturesDir = join(__dirname, '../fixtures');

/**
 * The smallest app the harness can hold, on node:http, pg, ws and kafkajs alone (the platform libs are
 * tested with libs/testing, so its own tests cannot use them): a notes table it creates as it starts,
 * `GET /notes`, `POST /notes/<id>` publishing a record on `notes`, and an echo websocket at `/echo`.
 */
async function startNotesApp({ databaseUrl, kafkaBrokers, topicPrefix }: AppEnvironment): Promise<StartedApp> {
  const pool = new Pool({ connectionString: databaseUrl });
  await pool.query('create table notes (id integer primary key, text text not null)');
  const kafka = new Kafka({ clientId: 'notes-app', brokers: kafkaBrokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: `${topicPrefix}notes`, numPartitions: 2 }], waitForLeaders: true });
  await admin.disconnect();
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const publish = (id: string) =>
    producer.send({
      topic: `${topicPrefix}notes`,
      messages: [{ key: id, value: JSON.stringify({ id }), headers: { ce_type: 'note.published' } }],
    });
  await publish('at-start');

  const server = createServer((req, res) => {
    const posted = /^\/notes\/(\w+)$/.exec(req.url ?? '');
    const answer =
      req.method === 'POST' && posted
        ? publish(posted[1]).then(() => ({ status: 202, body: {} }))
        : pool.query('select id, text from notes order by id').then(({ rows }) => ({ status: 200, body: rows }));
    void answer.then(({ status, body }) => res.writeHead(status).end(JSON.stringify(body)));
  });
  const echo = new WebSocketServer({ server, path: '/echo' });
  echo.on('connection', (socket) => socket.on('message', (data) => socket.send(String(data))));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: async () => {
      for (const socket of echo.clients) socket.terminate();
      echo.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await producer.disconnect();
      await pool.end();
    },
  };
}

async function databaseExists(name: string): Promise<boolean> {
  const admin = new Client({ connectionString: process.env['DATABASE_URL'] });
  await admin.connect();
  try {
    return (await admin.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1;
  } finally {
    await admin.end();
  }
}

describe('startTestApp', () => {
  let app: TestApp;
  beforeEach(async () => {
    app = await startTestApp({ name: 'notes', start: startNotesApp, fixturesDir, fixtures: ['notes'] });
  });
  afterEach(() => app.stop());

  it('starts the app on its own database and topic prefix, with the named fixtures applied', async () => {
    expect(new URL(app.databaseUrl).pathname).toMatch(/^\/notes_/);
    expect(app.topicPrefix).toMatch(/^notes-/);
    expect(await (await app.fetch('/notes')).json()).toEqual([
      { id: 1, text: 'first' },
      { id: 2, text: 'second' },
    ]);

    await app.applyFixtures('more-notes');
    expect(await app.query('select count(*)::int as notes from notes')).toEqual([{ notes: 3 }]);
  });

  it('refuses an unknown fixture, naming the ones there are', async () => {
    await expect(app.applyFixtures('users')).rejects.toThrow(
      /^no fixture users in .*fixtures \(known: more-notes, notes\)$/,
    );
  });

  it('reads what the app published from the beginning, and waits for more', async () => {
    const notes = app.published('notes');
    expect(app.published('notes')).toBe(notes);
    await notes.waitFor(1);
    expect((await app.fetch('/notes/later', { method: 'POST' })).status).toBe(202);

    const records = await notes.waitFor(2);
    expect(records.map((r) => [r.key, r.type, r.data])).toEqual([
      ['at-start', 'note.published', { id: 'at-start' }],
      ['later', 'note.published', { id: 'later' }],
    ]);
    expect(records[0]).toMatchObject({ topic: 'notes', headers: { ce_type: 'note.published' } });
  });

  it('says how many records came when the wait times out', async () => {
    await expect(app.published('notes').waitFor(2, 1_500)).rejects.toThrow(
      'notes: 1 of 2 records within 1500 ms (types: note.published)',
    );
  });

  it('opens websockets to the app and tells a refused upgrade', async () => {
    const socket = await app.websocket('/echo');
    socket.send('ping');
    const [reply] = await once(socket, 'message');
    expect(String(reply)).toBe('ping');
    await expect(app.websocket('/nowhere')).rejects.toThrow(/\/nowhere/);
  });
});

describe('startTestApp cleaning up', () => {
  it('drops the database when the app stops', async () => {
    const app = await startTestApp({ name: 'notes', start: startNotesApp });
    const name = new URL(app.databaseUrl).pathname.slice(1);
    expect(await databaseExists(name)).toBe(true);
    await app.stop();
    expect(await databaseExists(name)).toBe(false);
  });

  it('drops the database and rethrows when the app fails to start', async () => {
    let databaseUrl = '';
    const failing = startTestApp({
      name: 'broken',
      start: async (environment) => {
        databaseUrl = environment.databaseUrl;
        throw new Error('port in use');
      },
    });
    await expect(failing).rejects.toThrow('port in use');
    expect(await databaseExists(new URL(databaseUrl).pathname.slice(1))).toBe(false);
  });
});
