import { type Catalog } from '@flexgrid/contracts';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Document, isMap, isScalar, stringify, visit } from 'yaml';
import { kafkaTopics, kafkaUsers, type Manifest } from './kafka-resources';
import { workspaceRoot } from './workspace';

/** The folders `generate` owns: it writes every file in them, and the test holds them to the catalog. */
export const GENERATED_DIRS = ['deploy/k8s/infra/topics', 'deploy/k8s/infra/users'] as const;

const HEADER = '# Generated from libs/contracts by `npx nx run k8s-validate:generate`; do not edit.\n';

/** The apps deploy/k8s/base deploys: one folder each. */
export function deployedApps(root = workspaceRoot): string[] {
  return readdirSync(join(root, 'deploy/k8s/base'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** Block YAML, except lists of scalars and ACL resources, which read best on one line. */
function yamlOf(manifest: Manifest): string {
  const doc = new Document(manifest);
  visit(doc, {
    Seq: (_, node) => {
      if (node.items.every(isScalar)) node.flow = true;
    },
    Pair: (_, pair) => {
      if (isScalar(pair.key) && pair.key.value === 'resource' && isMap(pair.value)) pair.value.flow = true;
    },
  });
  return doc.toString({ lineWidth: 0 });
}

function folder(manifests: Manifest[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const manifest of manifests) files.set(`${manifest.metadata.name}.yaml`, HEADER + yamlOf(manifest));
  const kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: [...files.keys()],
  };
  files.set('kustomization.yaml', HEADER + stringify(kustomization));
  return files;
}

/** Every generated file, by its path from the workspace root, with its content. */
export function generatedFiles(catalog: Catalog, deployed: readonly string[]): Map<string, string> {
  const [topicsDir, usersDir] = GENERATED_DIRS;
  const files = new Map<string, string>();
  for (const [name, text] of folder(kafkaTopics(catalog))) files.set(`${topicsDir}/${name}`, text);
  for (const [name, text] of folder(kafkaUsers(catalog, deployed))) files.set(`${usersDir}/${name}`, text);
  return files;
}
