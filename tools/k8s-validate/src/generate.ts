/** `nx run k8s-validate:generate`: rewrites deploy/k8s/infra/topics and users from libs/contracts. */
import { catalog } from '@flexgrid/contracts';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { deployedApps, GENERATED_DIRS, generatedFiles } from './generated-files';
import { workspaceRoot } from './workspace';

for (const dir of GENERATED_DIRS) rmSync(join(workspaceRoot, dir), { recursive: true, force: true });
const files = generatedFiles(catalog, deployedApps());
for (const [path, text] of files) {
  mkdirSync(dirname(join(workspaceRoot, path)), { recursive: true });
  writeFileSync(join(workspaceRoot, path), text);
}
process.stdout.write(`wrote ${files.size} files under ${GENERATED_DIRS.join(' and ')}\n`);
