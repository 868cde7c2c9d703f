import { execFileSync } from 'node:child_process';
import { existsSync, globSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from '../workspace';
import type { ImageWorkspace } from './image-checks';

const readJson = <T>(path: string): T => JSON.parse(readFileSync(join(workspaceRoot, path), 'utf8')) as T;

/** Where a project's `tsc --build tsconfig.lib.json` writes, if it compiles src/ to dist/. */
function compilesSrcToDist(folder: string): boolean {
  const path = join(folder, 'tsconfig.lib.json');
  if (!existsSync(join(workspaceRoot, path))) return false;
  const { compilerOptions } = readJson<{ compilerOptions?: { rootDir?: string; outDir?: string } }>(path);
  return compilerOptions?.rootDir === 'src' && compilerOptions.outDir === 'dist';
}

/**
 * A path under a project's dist/ exists after `nx build` when the build makes it: the dist folder itself, a
 * `.js` compiled from its `.ts` in src/, or dist/ui from an app's build-ui target (vite). Reading the
 * configuration keeps the check fast and lets it run on a clean clone, where nothing is built yet.
 */
export function existsAfterBuild(path: string): boolean {
  if (existsSync(join(workspaceRoot, path))) return true;
  const match = /^(.+?)\/dist(?:\/(.+))?$/.exec(path);
  if (!match) return false;
  const [, folder, inside] = match;
  if (!compilesSrcToDist(folder)) return false;
  if (inside === undefined) return existsSync(join(workspaceRoot, folder, 'src'));
  if (inside === 'ui' || inside.startsWith('ui/'))
    return (
      readJson<{ nx?: { targets?: Record<string, unknown> } }>(join(folder, 'package.json')).nx?.targets?.[
        'build-ui'
      ] !== undefined
    );
  return inside.endsWith('.js') && existsSync(join(workspaceRoot, folder, 'src', inside.replace(/\.js$/, '.ts')));
}

export function readImageWorkspace(): ImageWorkspace {
  const runtimeFiles = new Map<string, string[]>();
  const workspaces = readJson<{ workspaces: string[] }>('package.json').workspaces;
  return {
    apps: readdirSync(join(workspaceRoot, 'apps'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name),
    nodeVersion:
      /^VERSION=(\S+)$/m.exec(readFileSync(join(workspaceRoot, 'tools/node/node.sh'), 'utf8'))?.[1] ?? '(none)',
    manifests: workspaces.flatMap((pattern) => globSync(`${pattern}/package.json`, { cwd: workspaceRoot })).sort(),
    // The script the image's build stage runs, so that the check and the image cannot disagree.
    runtimeFiles(app) {
      let files = runtimeFiles.get(app);
      if (!files) {
        const script = join(workspaceRoot, 'deploy/docker/runtime-files.mjs');
        files = execFileSync(process.execPath, [script, app], { encoding: 'utf8' })
          .split('\n')
          .filter((line) => line !== '');
        runtimeFiles.set(app, files);
      }
      return files;
    },
    existsAfterBuild,
  };
}
