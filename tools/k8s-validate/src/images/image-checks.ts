import { copyOf, type Dockerfile, type Instruction, parseDockerfile, type Stage } from './dockerfile';

/** What the Dockerfile is held to, read from the workspace (images/workspace.ts). */
export interface ImageWorkspace {
  /** The folders under apps/: each needs its target. */
  apps: string[];
  /** The Node.js release of tools/node/node.sh. */
  nodeVersion: string;
  /** Every workspace's package.json, workspace-relative: npm ci needs them all beside the lock. */
  manifests: string[];
  /** What deploy/docker/runtime-files.mjs copies into an app's image. */
  runtimeFiles(app: string): string[];
  /** Whether a workspace-relative path exists, or will once `nx build` has run (dist/ paths). */
  existsAfterBuild(path: string): boolean;
}

/** The Dockerfile's problems, one line each naming the line or stage; empty when it matches the workspace. */
export function imageProblems(text: string, workspace: ImageWorkspace): string[] {
  const dockerfile = parseDockerfile(text);
  const problems: string[] = [];
  const stageNames = new Set(dockerfile.stages.flatMap((s) => (s.name ? [s.name] : [])));
  for (const stage of dockerfile.stages) {
    if (!stageNames.has(stage.base)) problems.push(...baseImageProblems(stage, workspace.nodeVersion));
    for (const instruction of stage.instructions) {
      if (instruction.keyword === 'HEALTHCHECK')
        problems.push(`line ${instruction.line}: HEALTHCHECK (Kubernetes probes check health; the image must not)`);
      if (instruction.keyword === 'COPY' || instruction.keyword === 'ADD') {
        const copy = copyOf(instruction);
        if (copy.from !== undefined) {
          if (!stageNames.has(copy.from))
            problems.push(`line ${instruction.line}: COPY --from=${copy.from} is no stage`);
        } else
          for (const source of copy.sources)
            if (source !== '.' && !workspace.existsAfterBuild(source))
              problems.push(`line ${instruction.line}: COPY source ${source} is not in the workspace`);
      }
    }
  }
  problems.push(...installProblems(dockerfile, workspace.manifests));
  for (const app of workspace.apps) problems.push(...targetProblems(dockerfile, app, workspace));
  return problems;
}

/**
 * Each `npm ci` sees every workspace's package.json beside the lock (else it fails, or installs without a
 * workspace's dependencies), and one of them installs production dependencies only, for the runtime.
 */
function installProblems(dockerfile: Dockerfile, manifests: string[]): string[] {
  const problems: string[] = [];
  let production = false;
  for (const stage of dockerfile.stages) {
    const index = stage.instructions.findIndex((i) => i.keyword === 'RUN' && /\bnpm ci\b/.test(i.args));
    if (index < 0) continue;
    production ||= /--omit=dev/.test(stage.instructions[index].args);
    const before = [
      ...dockerfile
        .chain(stage)
        .slice(1)
        .flatMap((s) => s.instructions),
      ...stage.instructions.slice(0, index),
    ];
    const copied = new Set(
      before.filter((i) => i.keyword === 'COPY' && copyOf(i).from === undefined).flatMap((i) => copyOf(i).sources),
    );
    for (const manifest of ['package-lock.json', ...manifests])
      if (!copied.has(manifest) && !copied.has('.'))
        problems.push(`stage ${stage.name}: ${manifest} is not copied before npm ci`);
  }
  if (!production) problems.push('no stage installs production dependencies only (npm ci --omit=dev)');
  return problems;
}

function baseImageProblems(stage: Stage, nodeVersion: string): string[] {
  const expected = `node:${nodeVersion}-bookworm-slim`;
  if (!stage.base.includes(':') || stage.base.endsWith(':latest'))
    return [`line ${stage.line}: FROM ${stage.base} is not pinned to a version tag (expected ${expected})`];
  return stage.base === expected ? [] : [`line ${stage.line}: FROM ${stage.base}, expected ${expected} (tools/node)`];
}

/** The last of `keyword` a build of the target runs: later stages override earlier ones. */
function last(chain: Stage[], keyword: string): Instruction | undefined {
  for (const stage of chain) {
    const found = stage.instructions.filter((i) => i.keyword === keyword).pop();
    if (found) return found;
  }
  return undefined;
}

function targetProblems(dockerfile: Dockerfile, app: string, workspace: ImageWorkspace): string[] {
  const target = dockerfile.stage(app);
  if (!target) return [`no target ${app}: every app under apps/ has an image`];
  const problems: string[] = [];
  const chain = dockerfile.chain(target);
  const instructions = chain.flatMap((s) => s.instructions);
  const entry = `apps/${app}/dist/main.js`;
  const cmd = last(chain, 'CMD');
  if (!cmd) problems.push(`${app}: no CMD`);
  else if (!sameCommand(cmd.args, ['node', entry]))
    problems.push(`${app}: CMD ${cmd.args}, expected ["node", "${entry}"]`);
  if (!workspace.existsAfterBuild(entry)) problems.push(`${app}: its entry point ${entry} is not built by nx build`);
  const user = last(chain, 'USER')?.args.split(':')[0];
  if (user === undefined || user === 'root' || user === '0' || !/^\d+$/.test(user))
    problems.push(
      `${app}: runs as ${user ?? 'root (no USER)'}; expected a numeric non-root UID (runAsNonRoot checks it)`,
    );
  if (last(chain, 'WORKDIR')?.args !== '/app') problems.push(`${app}: WORKDIR is not /app`);
  if (!instructions.some((i) => i.keyword === 'ENV' && /NODE_OPTIONS=.*--max-old-space-size/.test(i.args)))
    problems.push(
      `${app}: NODE_OPTIONS sets no --max-old-space-size(-percentage): the heap ignores the container limit`,
    );
  const builds = instructions
    .filter((i) => i.keyword === 'COPY')
    .flatMap((i) => dockerfile.stages.filter((s) => s.name !== undefined && s.name === copyOf(i).from))
    .filter((stage) => stage.instructions.some((i) => i.keyword === 'RUN' && /\bnx build\b/.test(i.args)));
  if (builds.length !== 1) problems.push(`${app}: copies from ${builds.length} build stages, expected 1`);
  for (const build of builds) {
    const run = build.instructions
      .filter((i) => i.keyword === 'RUN')
      .map((i) => i.args)
      .join(' && ');
    if (!new RegExp(`\\bnx build ${app}(\\s|$)`).test(run))
      problems.push(`${app}: stage ${build.name} does not nx build ${app}`);
    if (!new RegExp(`runtime-files\\.mjs ${app}\\s`).test(run))
      problems.push(`${app}: stage ${build.name} does not collect ${app}'s runtime files`);
  }
  for (const file of workspace.runtimeFiles(app))
    if (!workspace.existsAfterBuild(file)) problems.push(`${app}: runtime file ${file} does not exist after nx build`);
  return problems;
}

/** CMD in exec form (JSON), as Kubernetes and signals want: node is PID 1 and gets SIGTERM itself. */
function sameCommand(args: string, expected: string[]): boolean {
  try {
    return JSON.stringify(JSON.parse(args)) === JSON.stringify(expected);
  } catch {
    return false;
  }
}
