import { once } from 'node:events';
import { join } from 'node:path';
import { startTestApp, type TestApp } from '@flexgrid/testing';
import { startExampleApp } from './app';

describe('example app, through startTestApp', () => {
  let app: TestApp;
  // A fresh app, database and topic prefix per test, as with sqlx::test.
  beforeEach(async () => {
    app = await startTestApp({
      name: 'example',
      // kafkajs logs 'not the leader' errors while just-created topics elect their leaders; it retries them.
      start: (environment) => startExampleApp({ ...environment, logLevel: 'fatal' }),
      fixturesDir: join(__dirname, '../fixtures'),
      fixtures: ['meters'],
    });
  });
  afterEach(() => app.stop());

  it('serves the meters of its fixture', async () => {
    const response = await app.fetch('/meters');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual([
      { meterId: 'm1', name: 'heat pump', energyWh: 0 },
      { meterId: 'm2', name: 'PV inverter', energyWh: 0 },
    ]);
    expect((await app.fetch('/readyz')).status).toBe(200);
  });

  it('publishes a posted reading, then stores what it consumes and pushes it to websocket clients', async () => {
    const listener = await app.websocket('/readings/ws');
    const pushed = once(listener, 'message');
    const posted = await app.fetch('/meters/m1/readings', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ startTime: 0, endTime: 900_000, energyWh: 250 }),
    });
    expect(posted.status).toBe(202);

    const [record] = await app.published('meter.readings').waitFor(1);
    expect(record).toMatchObject({
      key: 'm1',
      type: 'meter.reading',
      headers: { ce_id: 'm1@0', ce_source: 'example-app' },
      data: { meterId: 'm1', startTime: 0, endTime: 900_000, energyWh: 250, source: 'example-app' },
    });
    expect(JSON.parse(String((await pushed)[0]))).toEqual(record.data);
    expect(await app.query('select meter_id, energy_wh::int from readings')).toEqual([
      { meter_id: 'm1', energy_wh: 250 },
    ]);
  });

  it('answers 404 problem+json for a meter no fixture made', async () => {
    const response = await app.fetch('/meters/m9/readings', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ startTime: 0, endTime: 1, energyWh: 1 }),
    });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toMatchObject({ title: 'Unknown meter', detail: 'meter m9 does not exist' });
  });
});
