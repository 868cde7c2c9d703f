import { catalog, outboxCheckpoints } from '@flexgrid/contracts';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from './workspace';

const APPS = ['openadr-vtn', 'powermatcher-auctioneer', 's2-analyzer', 'p2p-producer', 'p2p-grid'];

/** The catalog topics an app's own source (tests aside) names: where it publishes and what it subscribes to. */
function topicsNamedBy(app: string): string[] {
  const names = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.ts$/.test(entry.name) && !/\.(spec|test-util)\.ts$/.test(entry.name))
        for (const [, name] of readFileSync(path, 'utf8').matchAll(/'([a-z0-9-]+\.[a-z0-9.-]+)'/g))
          if (name in catalog) names.add(name);
    }
  };
  walk(join(workspaceRoot, 'apps', app, 'src'));
  return [...names].sort();
}

// The KafkaUsers' ACLs come from the catalog's producers and consumers; a role the code does not have would
// grant a right the app does not need, a missing one would fail it at run time.
describe.each(APPS)('the catalog roles of %s', (app) => {
  it("name exactly the topics the app's code publishes to or subscribes to", () => {
    const roles = Object.values(catalog)
      .filter((t) => t.name !== outboxCheckpoints.name && (t.producers.includes(app) || t.consumers.includes(app)))
      .map((t) => t.name)
      .sort();
    expect(roles).toEqual(topicsNamedBy(app));
  });
});
