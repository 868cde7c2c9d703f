import { main } from '../cli';

function capture() {
  const out = { stdout: '', stderr: '' };
  return { out, io: { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t) } };
}

describe('flexgrid-sim openadr', () => {
  it('prints its options on --help', async () => {
    const { out, io } = capture();
    expect(await main(['openadr', '--help'], io)).toBe(0);
    expect(out.stdout).toContain('--vtn URL');
    expect(out.stdout).toContain('--opt-out-ratio');
  });

  it('refuses a missing VTN URL and a bad ratio with exit 2', async () => {
    const { out, io } = capture();
    expect(await main(['openadr', '--vens', '3', '--opt-out-ratio', '2'], io)).toBe(2);
    expect(out.stderr).toContain('--vtn must be a URL');
    expect(out.stderr).toContain('--opt-out-ratio must be between 0 and 1');
  });
});
