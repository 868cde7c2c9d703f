import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from '../workspace';
import { parseDockerfile } from './dockerfile';
import { imageProblems } from './image-checks';
import { existsAfterBuild, readImageWorkspace } from './workspace';

// deploy/docker/Dockerfile against the workspace it builds (issue 25 "Images"): no Docker engine needed.
const dockerfile = readFileSync(join(workspaceRoot, 'deploy/docker/Dockerfile'), 'utf8');
const workspace = readImageWorkspace();

/** The Dockerfile with one edit; the edit must apply, or the negative test would pass vacuously. */
function broken(from: string | RegExp, to: string): string {
  const edited = dockerfile.replace(from, to);
  expect(edited).not.toBe(dockerfile);
  return edited;
}

describe('deploy/docker/Dockerfile', () => {
  it('has a target per app, built from the workspace, that runs the built entry point as a non-root user', () => {
    expect(workspace.apps.length).toBeGreaterThanOrEqual(5);
    expect(imageProblems(dockerfile, workspace)).toEqual([]);
  });

  it('puts in each image the app and the workspace libs it depends on in production, never test helpers', () => {
    expect(workspace.runtimeFiles('openadr-vtn')).toEqual(
      expect.arrayContaining([
        'apps/openadr-vtn/dist',
        'apps/openadr-vtn/migrations',
        'libs/platform/service/dist',
        'libs/protocols/openadr/package.json',
      ]),
    );
    for (const app of workspace.apps) expect(workspace.runtimeFiles(app).join('\n')).not.toContain('libs/testing');
  });

  it('knows what nx build makes: compiled entry points and a UI only where a build-ui target makes one', () => {
    expect(existsAfterBuild('apps/p2p-producer/dist/main.js')).toBe(true);
    expect(existsAfterBuild('apps/p2p-producer/dist/nowhere.js')).toBe(false);
    expect(existsAfterBuild('apps/openadr-vtn/dist/ui')).toBe(true);
    expect(existsAfterBuild('apps/p2p-producer/dist/ui')).toBe(false);
  });

  it('parses stages, continuations and global ARGs', () => {
    const parsed = parseDockerfile('ARG IMG=node:1\n# c\nFROM ${IMG} AS a\nENV A=1 \\\n    B=2\nFROM a\nUSER 1\n');
    expect(parsed.stages.map((s) => [s.name, s.base])).toEqual([
      ['a', 'node:1'],
      [undefined, 'a'],
    ]);
    expect(parsed.stages[0].instructions[0]).toEqual({ keyword: 'ENV', args: 'A=1 B=2', line: 4 });
    expect(parsed.chain(parsed.stages[1]).length).toBe(2);
  });

  describe('catches', () => {
    const problemsOf = (text: string) => imageProblems(text, workspace);

    it('an app without a target', () => {
      expect(problemsOf(broken(/FROM runtime AS s2-analyzer\n/, 'FROM runtime AS s2-analyser\n'))).toContain(
        'no target s2-analyzer: every app under apps/ has an image',
      );
    });

    it('an entry point that nx build does not make', () => {
      expect(
        problemsOf(
          broken('CMD ["node", "apps/p2p-grid/dist/main.js"]', 'CMD ["node", "apps/p2p-grid/dist/server.js"]'),
        ),
      ).toContain(
        'p2p-grid: CMD ["node", "apps/p2p-grid/dist/server.js"], expected ["node", "apps/p2p-grid/dist/main.js"]',
      );
    });

    it('a COPY of a path the workspace does not have', () => {
      expect(
        problemsOf(broken('COPY apps/p2p-grid/package.json', 'COPY apps/p2p-grids/package.json')).join('\n'),
      ).toMatch(
        /COPY source apps\/p2p-grids\/package.json is not in the workspace[\s\S]*stage workspace: apps\/p2p-grid\/package.json is not copied before npm ci/,
      );
    });

    it('a root user, or none', () => {
      expect(problemsOf(broken('USER 10001:10001', 'USER root'))).toContain(
        'openadr-vtn: runs as root; expected a numeric non-root UID (runAsNonRoot checks it)',
      );
      expect(problemsOf(broken('USER 10001:10001\n', '')).join('\n')).toContain('p2p-grid: runs as root (no USER)');
    });

    it('a HEALTHCHECK', () => {
      expect(
        problemsOf(broken('EXPOSE 8081 8443\n', 'EXPOSE 8081 8443\nHEALTHCHECK CMD node -e 1\n')).join('\n'),
      ).toMatch(/HEALTHCHECK \(Kubernetes probes/);
    });

    it('an unpinned or latest base image, and one that is not the Node.js of tools/node', () => {
      expect(problemsOf(broken(/ARG NODE_IMAGE=\S+/, 'ARG NODE_IMAGE=node:latest')).join('\n')).toContain(
        'FROM node:latest is not pinned to a version tag',
      );
      expect(problemsOf(broken(/ARG NODE_IMAGE=\S+/, 'ARG NODE_IMAGE=node')).join('\n')).toContain(
        'FROM node is not pinned',
      );
      expect(problemsOf(broken(/ARG NODE_IMAGE=\S+/, 'ARG NODE_IMAGE=node:22-bookworm-slim')).join('\n')).toContain(
        `FROM node:22-bookworm-slim, expected node:${workspace.nodeVersion}-bookworm-slim (tools/node)`,
      );
    });

    it('no heap limit in NODE_OPTIONS', () => {
      expect(problemsOf(broken('--max-old-space-size-percentage=75 ', ''))).toContain(
        'openadr-vtn: NODE_OPTIONS sets no --max-old-space-size(-percentage): the heap ignores the container limit',
      );
    });

    it('a build stage that builds another app, or an image with its development dependencies', () => {
      expect(problemsOf(broken('RUN npx nx build p2p-grid', 'RUN npx nx build p2p-producer'))).toContain(
        'p2p-grid: stage build-p2p-grid does not nx build p2p-grid',
      );
      expect(problemsOf(broken('npm ci --omit=dev', 'npm ci'))).toContain(
        'no stage installs production dependencies only (npm ci --omit=dev)',
      );
    });
  });
});

describe('nx docker-build', () => {
  const readJson = (path: string) => JSON.parse(readFileSync(join(workspaceRoot, path), 'utf8'));
  const command: string = readJson('nx.json').targetDefaults['docker-build'].options.command;

  it.each(workspace.apps)('%s builds its own target, tagged with its package.json version', (app) => {
    expect(readJson(`apps/${app}/package.json`).nx.targets).toHaveProperty('docker-build');
    expect(command).toContain('docker build -f deploy/docker/Dockerfile --target {projectName}');
    expect(command).toContain('-t ghcr.io/flexgrid/{projectName}:');
    expect(command).toContain("require('./{projectRoot}/package.json').version");
  });
});

describe('.dockerignore', () => {
  it('keeps installed, built and local state out of the build context', () => {
    const ignored = readFileSync(join(workspaceRoot, '.dockerignore'), 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['.git', '**/node_modules', '**/dist', 'tmp', '.data', '.env']));
  });
});
