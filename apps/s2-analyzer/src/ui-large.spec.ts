import { randomUUID } from 'node:crypto';
import { buildUi, launchBrowser, saveScreenshot, type TestBrowser } from '@flexgrid/testing';
import { type AnalyzerUnderTest, corpus, eventually, startAnalyzer } from './analyzer.test-util';

/*
 * The debugger page in headless Chromium on a stored session of 100,000 frames (imported through
 * POST /api/sessions/import): the timeline keeps only a bounded number of rows in the DOM, End in the timeline
 * reaches the last frame, and n / p step through the few findings with the rule id and the highlighted JSON path,
 * with a clean console.
 */

const FRAMES = 100_000;
const [semRef] = corpus('rule-S2-SEM-REF');

/**
 * A valid transcript of `FRAMES` lines: the handshake and FRBC system description of the S2-SEM-REF corpus session,
 * then PowerMeasurements each answered by a ReceptionStatus, with an FRBC.Instruction naming an unknown actuator
 * (S2-SEM-REF at /actuator_id, answered INVALID_CONTENT) at `instructionSeqs`.
 */
function transcript(instructionSeqs: number[]): string {
  const fixture = (semRef?.text ?? '')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { direction: string; message: Record<string, unknown> });
  const preamble = fixture.slice(0, 12); // up to the system description's ReceptionStatus
  const instruction = fixture[12]?.message ?? {};
  const lines: string[] = [];
  const push = (direction: string, message: Record<string, unknown>) =>
    lines.push(JSON.stringify({ seq: lines.length + 1, t: lines.length * 10, direction, message }));
  for (const line of preamble) push(line.direction, line.message);
  let n = 0;
  while (lines.length < FRAMES) {
    const id = randomUUID();
    if (instructionSeqs.includes(lines.length + 1)) {
      push('cem->rm', { ...instruction, message_id: id, id: randomUUID() });
      push('rm->cem', { message_type: 'ReceptionStatus', subject_message_id: id, status: 'INVALID_CONTENT' });
      continue;
    }
    n += 1;
    push('rm->cem', {
      message_type: 'PowerMeasurement',
      message_id: id,
      measurement_timestamp: new Date(Date.UTC(2030, 3, 1, 8) + n * 1000).toISOString(),
      values: [{ commodity_quantity: 'ELECTRIC.POWER.3_PHASE_SYMMETRIC', value: 1000 + (n % 300) }],
    });
    push('cem->rm', { message_type: 'ReceptionStatus', subject_message_id: id, status: 'OK' });
  }
  return `${lines.join('\n')}\n`;
}

describe('debugger page in Chromium, a 100,000-frame session', () => {
  let analyzer: AnalyzerUnderTest;
  let browser: TestBrowser;
  let sessionId: string;
  // Odd seqs, so that each instruction starts a pair after the preamble's 12 lines.
  const instructionSeqs = [1001, 50_001, 99_001];

  beforeAll(async () => {
    await buildUi('apps/s2-analyzer/ui/vite.config.mts');
    browser = await launchBrowser();
    analyzer = await startAnalyzer();
    const body = transcript(instructionSeqs);
    expect(body.trim().split('\n')).toHaveLength(FRAMES);
    const response = await analyzer.app.fetch('/api/sessions/import?rmId=big-rm&cemId=big-cem', {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body,
    });
    expect(response.status).toBe(201);
    const session = (await response.json()) as { id: string; frames: number; errors: number };
    expect(session.frames).toBe(FRAMES);
    sessionId = session.id;
    const { findings } = (await (await analyzer.app.fetch(`/api/sessions/${sessionId}/findings`)).json()) as {
      findings: Array<{ seq: number; rule: string; path?: string }>;
    };
    expect(findings.map((f) => [f.seq, f.rule, f.path])).toEqual(
      instructionSeqs.map((seq) => [seq, 'S2-SEM-REF', '/actuator_id']),
    );
  }, 120_000);
  afterAll(async () => {
    await browser?.browser.close();
    await analyzer?.app.stop();
  });

  it('keeps the timeline virtualised, reaches the last frame with End and steps through the findings with n / p', async () => {
    const { page, errors } = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
    await page.goto(`${analyzer.app.url}/#/sessions/${sessionId}`);
    const count = page.getByTestId('frame-count');
    await eventually(async () => (Number(await count.textContent()) === FRAMES ? true : undefined), 60_000);
    await page.getByText('loading history').waitFor({ state: 'detached' });

    const timeline = page.getByRole('listbox', { name: 'timeline' });
    const rows = timeline.getByRole('option');
    await rows.first().waitFor();
    expect(await rows.count()).toBeGreaterThan(0);
    expect(await rows.count()).toBeLessThan(200);

    await timeline.focus();
    await page.keyboard.press('Home');
    await timeline.getByText('#1', { exact: true }).waitFor();
    await page.keyboard.press('End');
    await timeline.getByText(`#${FRAMES}`, { exact: true }).waitFor();
    await page.getByText(`Frame #${FRAMES} · CEM → RM · ReceptionStatus`).waitFor();
    expect(await timeline.locator('[aria-selected="true"]').getAttribute('aria-posinset')).toBe(String(FRAMES));
    expect(await rows.count()).toBeLessThan(200);

    const json = page.getByLabel('frame JSON');
    const expectFinding = async (seq: number) => {
      await page.getByText(`Frame #${seq} · CEM → RM · FRBC.Instruction`).waitFor();
      await timeline.getByText(`#${seq}`, { exact: true }).waitFor();
      expect(await json.locator('.fg-json-target').textContent()).toContain('"actuator_id"');
      await page.getByText('S2-SEM-REF: ', { exact: false }).first().waitFor();
      const current = page.getByRole('list', { name: 'findings' }).locator('li[aria-current="true"]');
      expect(await current.textContent()).toContain('S2-SEM-REF');
      expect(await current.textContent()).toContain(`#${seq}`);
      expect(await current.textContent()).toContain('/actuator_id');
      expect(await rows.count()).toBeLessThan(200);
    };
    await page.keyboard.press('n');
    await expectFinding(instructionSeqs[0] as number);
    await page.keyboard.press('n');
    await expectFinding(instructionSeqs[1] as number);
    await page.keyboard.press('n');
    await expectFinding(instructionSeqs[2] as number);
    await page.keyboard.press('p');
    await expectFinding(instructionSeqs[1] as number);

    await saveScreenshot(page, 's2-analyzer-debugger-100k');
    errors.expectNone();
  }, 120_000);
});
