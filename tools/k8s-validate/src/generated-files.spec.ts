import { catalog } from '@flexgrid/contracts';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deployedApps, GENERATED_DIRS, generatedFiles } from './generated-files';
import { aclsOf, kafkaApps } from './kafka-resources';
import { workspaceRoot } from './workspace';

describe('deploy/k8s/infra/topics and users', () => {
  it('are exactly what `nx run k8s-validate:generate` writes from the catalog', () => {
    const expected = generatedFiles(catalog, deployedApps());
    const committed = new Map(
      GENERATED_DIRS.flatMap((dir) =>
        readdirSync(join(workspaceRoot, dir)).map((file) => [
          `${dir}/${file}`,
          readFileSync(join(workspaceRoot, dir, file), 'utf8'),
        ]),
      ),
    );
    // On a difference: run `npx nx run k8s-validate:generate` and commit what it writes.
    expect([...committed.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [path, text] of expected) expect({ path, text: committed.get(path) }).toEqual({ path, text });
  });

  it('hold a dead-letter topic only for topics that have consumers', () => {
    const topics = [...generatedFiles(catalog, deployedApps()).keys()].filter((p) => p.startsWith(GENERATED_DIRS[0]));
    expect(topics.filter((p) => p.endsWith('.dlq.yaml')).sort()).toEqual(
      Object.values(catalog)
        .filter((t) => t.consumers.length > 0)
        .map((t) => `${GENERATED_DIRS[0]}/${t.name}.dlq.yaml`)
        .sort(),
    );
  });

  it('give a user to every app that uses Kafka and none to the remote concentrator', () => {
    expect(kafkaApps(catalog, deployedApps())).toEqual([
      'openadr-vtn',
      'p2p-grid',
      'p2p-producer',
      'powermatcher-auctioneer',
      's2-analyzer',
    ]);
  });

  it("grant the auctioneer its objective agent's group and its outbox's transactional id", () => {
    const granted = aclsOf(catalog, 'powermatcher-auctioneer').filter(
      (a) => a.resource.type !== 'topic' || a.operations.length > 1,
    );
    expect(granted).toEqual([
      { resource: { type: 'topic', name: 'openadr.events', patternType: 'literal' }, operations: ['Read', 'Describe'] },
      {
        resource: { type: 'topic', name: 'openadr.events.dlq', patternType: 'literal' },
        operations: ['Write', 'Describe'],
      },
      {
        resource: { type: 'topic', name: 'powermatcher.bids', patternType: 'literal' },
        operations: ['Write', 'Describe'],
      },
      {
        resource: { type: 'topic', name: 'powermatcher.prices', patternType: 'literal' },
        operations: ['Write', 'Describe'],
      },
      {
        resource: { type: 'topic', name: 'flexgrid.outbox-checkpoints', patternType: 'literal' },
        operations: ['Read', 'Describe'],
      },
      {
        resource: { type: 'group', name: 'powermatcher-auctioneer.', patternType: 'prefix' },
        operations: ['Read', 'Describe'],
      },
      {
        resource: { type: 'group', name: 'outbox-checkpoint.powermatcher-auctioneer', patternType: 'literal' },
        operations: ['Read', 'Describe'],
      },
      {
        resource: { type: 'group', name: 'outbox-checkpoint.powermatcher-auctioneer.', patternType: 'prefix' },
        operations: ['Read', 'Describe'],
      },
      {
        resource: { type: 'transactionalId', name: 'outbox.powermatcher-auctioneer', patternType: 'literal' },
        operations: ['Write', 'Describe'],
      },
      {
        resource: { type: 'transactionalId', name: 'outbox.powermatcher-auctioneer.', patternType: 'prefix' },
        operations: ['Write', 'Describe'],
      },
    ]);
  });
});
