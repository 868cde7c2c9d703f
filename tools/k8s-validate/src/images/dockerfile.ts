/** Just enough of the Dockerfile syntax to check ours: instructions, stages and global ARGs. */

export interface Instruction {
  keyword: string;
  /** The arguments with line continuations joined. */
  args: string;
  /** 1-based, where the instruction starts. */
  line: number;
}

export interface Stage {
  /** `AS <name>`, if any. */
  name?: string;
  /** The FROM image or stage, global ARGs substituted. */
  base: string;
  line: number;
  instructions: Instruction[];
}

export interface Dockerfile {
  stages: Stage[];
  stage(name: string): Stage | undefined;
  /** `stage`, then the stage it is FROM, and so on: what a build of that target runs. */
  chain(stage: Stage): Stage[];
}

export function parseDockerfile(text: string): Dockerfile {
  const instructions: Instruction[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const first = lines[i].trim();
    if (first === '' || first.startsWith('#')) continue;
    const start = i;
    let joined = first;
    while (joined.endsWith('\\') && i + 1 < lines.length) {
      i++;
      const next = lines[i].trim();
      if (next.startsWith('#')) continue;
      joined = `${joined.slice(0, -1).trimEnd()} ${next}`;
    }
    const keyword = joined.split(/\s+/, 1)[0];
    instructions.push({ keyword: keyword.toUpperCase(), args: joined.slice(keyword.length).trim(), line: start + 1 });
  }
  const globals = new Map<string, string>();
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [image, as, name] = instruction.args
        .replace(/--platform=\S+\s+/, '')
        .replace(/\$\{(\w+)\}|\$(\w+)/g, (all, a: string, b: string) => globals.get(a ?? b) ?? all)
        .split(/\s+/);
      stages.push({
        base: image,
        name: as?.toUpperCase() === 'AS' ? name : undefined,
        line: instruction.line,
        instructions: [],
      });
    } else if (stages.length === 0) {
      if (instruction.keyword === 'ARG') {
        const [name, value] = instruction.args.split('=');
        if (value !== undefined) globals.set(name, value);
      }
    } else stages[stages.length - 1].instructions.push(instruction);
  }
  const stage = (name: string) => stages.find((s) => s.name === name);
  return {
    stages,
    stage,
    chain(start) {
      const chain = [start];
      for (let parent = stage(start.base); parent && !chain.includes(parent); parent = stage(parent.base))
        chain.push(parent);
      return chain;
    },
  };
}

/** A COPY's flags (`--from=build`) and its sources and destination. */
export function copyOf(instruction: Instruction): { from?: string; sources: string[]; destination: string } {
  const words = instruction.args.split(/\s+/);
  const flags = words.filter((w) => w.startsWith('--'));
  const paths = words.filter((w) => !w.startsWith('--'));
  const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
  return { from, sources: paths.slice(0, -1), destination: paths[paths.length - 1] };
}
