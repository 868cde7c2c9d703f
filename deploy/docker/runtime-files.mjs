// The files one app needs at run time, for the image's runtime stage: the app's package.json, dist/ and
// migrations/, and the package.json and dist/ of every workspace lib it depends on in production
// (`dependencies`, followed transitively; `devDependencies` such as @flexgrid/testing stay out).
//
//   node deploy/docker/runtime-files.mjs <app>          list them, one workspace-relative path a line
//   node deploy/docker/runtime-files.mjs <app> <dir>    copy them into <dir>, keeping their paths
//
// Plain Node (no dependencies), since it runs in the image's build stage; tools/k8s-validate runs it too.
import { cpSync, existsSync, globSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '../..');
const readJson = (path) => JSON.parse(readFileSync(join(root, path), 'utf8'));

/** package name → workspace folder, from the root package.json's `workspaces` globs. */
function workspaceFolders() {
  const folders = new Map();
  for (const pattern of readJson('package.json').workspaces) {
    for (const folder of globSync(pattern, { cwd: root })) {
      if (existsSync(join(root, folder, 'package.json')))
        folders.set(readJson(join(folder, 'package.json')).name, folder);
    }
  }
  return folders;
}

export function runtimeFiles(app) {
  const folders = workspaceFolders();
  const appFolder = `apps/${app}`;
  if (![...folders.values()].includes(appFolder)) throw new Error(`${appFolder} is not a workspace`);
  const needed = new Set([appFolder]);
  const queue = [appFolder];
  while (queue.length > 0) {
    const folder = queue.shift();
    for (const name of Object.keys(readJson(join(folder, 'package.json')).dependencies ?? {})) {
      const dependency = folders.get(name);
      if (dependency && !needed.has(dependency)) {
        needed.add(dependency);
        queue.push(dependency);
      }
    }
  }
  const files = [];
  for (const folder of [...needed].sort()) {
    files.push(`${folder}/package.json`, `${folder}/dist`);
    if (existsSync(join(root, folder, 'migrations'))) files.push(`${folder}/migrations`);
  }
  return files;
}

const [app, target] = process.argv.slice(2);
if (app) {
  const files = runtimeFiles(app);
  if (!target) process.stdout.write(`${files.join('\n')}\n`);
  else
    for (const file of files) {
      // The compiler's incremental build state is of no use at run time.
      cpSync(join(root, file), join(target, file), {
        recursive: true,
        filter: (source) => !source.endsWith('.tsbuildinfo'),
      });
    }
}
