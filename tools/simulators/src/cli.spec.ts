import { main } from './cli';
import { COMMANDS } from './commands';

function capture() {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    io: { stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t) },
  };
}

describe('flexgrid-sim', () => {
  it('lists every simulator on --help and exits 0', async () => {
    const { out, io } = capture();
    expect(await main(['--help'], io)).toBe(0);
    expect(out.stdout).toContain('usage: flexgrid-sim <protocol>');
    for (const command of COMMANDS) expect(out.stdout).toContain(command.name);
  });

  it('refuses an unknown simulator with exit 2 and the usage', async () => {
    const { out, io } = capture();
    expect(await main(['modbus'], io)).toBe(2);
    expect(out.stderr).toContain("unknown simulator 'modbus'");
  });
});
