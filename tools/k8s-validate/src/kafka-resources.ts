import { type Catalog, deadLetterTopicOf, outboxCheckpoints, physicalTopics } from '@flexgrid/contracts';

/** The Strimzi Kafka cluster of deploy/k8s/infra: its name labels every topic and user. */
export const KAFKA_CLUSTER = 'flexgrid';

export type AclOperation = 'Read' | 'Write' | 'Describe';

export interface Acl {
  resource: { type: 'topic' | 'group' | 'transactionalId'; name: string; patternType: 'literal' | 'prefix' };
  operations: AclOperation[];
}

/** A Kubernetes object as plain data; the validators decide what it must hold. */
export type Manifest = Record<string, unknown> & { apiVersion: string; kind: string; metadata: { name: string } };

/**
 * One KafkaTopic per physical topic of the catalog (dead-letter topics included). `spec.topicName` is set
 * although the name is the same, so that a kustomize namePrefix can never rename a real topic. Replicas
 * are left to the overlays (one broker in dev, three in prod).
 */
export function kafkaTopics(catalog: Catalog): Manifest[] {
  return physicalTopics(catalog).map(({ name, config }) => ({
    apiVersion: 'kafka.strimzi.io/v1',
    kind: 'KafkaTopic',
    metadata: { name, labels: { 'strimzi.io/cluster': KAFKA_CLUSTER } },
    spec: {
      topicName: name,
      partitions: config.partitions,
      config: {
        'retention.ms': config.retentionMs,
        'cleanup.policy': config.cleanupPolicy,
        ...(config.maxMessageBytes ? { 'max.message.bytes': config.maxMessageBytes } : {}),
      },
    },
  }));
}

/**
 * What an app may do on Kafka, from the catalog: write the topics it produces, read the ones it consumes
 * (in consumer groups named `<app>.…`, the apps' convention) and write their dead-letter topics; an outbox
 * relay (a producer of the checkpoint topic) commits its checkpoint offsets in the group
 * `outbox-checkpoint.<outbox>` from the transactional id `outbox.<outbox>` (libs/platform/kafka KafkaBus), where
 * the outbox is named `<app>` or, for an app of which one cluster runs several (a P2P producer, a grid),
 * `<app>.<its id>`: each granted as the literal name and as the prefix `<name>.` (see outboxResourceNames).
 * Every other topic of the catalog is Describe only: on connect a bus lists the topics to create the
 * missing ones, and a topic it cannot see it would try to create, which a user without Create fails.
 */
export function aclsOf(catalog: Catalog, app: string): Acl[] {
  const operations = new Map<string, Set<AclOperation>>(
    physicalTopics(catalog).map((t) => [t.name, new Set<AclOperation>(['Describe'])]),
  );
  const grant = (topic: string, ...ops: AclOperation[]) => ops.forEach((op) => operations.get(topic)?.add(op));
  const topics = Object.values(catalog);
  const relay = outboxCheckpoints.producers.includes(app);
  for (const topic of topics) {
    if (topic.name === outboxCheckpoints.name) continue;
    if (topic.producers.includes(app)) grant(topic.name, 'Write');
    if (topic.consumers.includes(app)) {
      grant(topic.name, 'Read');
      grant(deadLetterTopicOf(topic.name), 'Write');
    }
  }
  // A transaction's offset commit needs Read on the topic of the offsets; no record is ever written there.
  if (relay) grant(outboxCheckpoints.name, 'Read');
  const order: AclOperation[] = ['Read', 'Write', 'Describe'];
  const acls: Acl[] = [...operations].map(([name, ops]) => ({
    resource: { type: 'topic', name, patternType: 'literal' },
    operations: order.filter((op) => ops.has(op)),
  }));
  if (topics.some((t) => t.consumers.includes(app))) {
    acls.push({
      resource: { type: 'group', name: `${app}.`, patternType: 'prefix' },
      operations: ['Read', 'Describe'],
    });
  }
  if (relay) {
    for (const resource of outboxResourcesOf(app))
      acls.push({ resource, operations: resource.type === 'group' ? ['Read', 'Describe'] : ['Write', 'Describe'] });
  }
  return acls;
}

/**
 * The checkpoint groups and transactional ids of an app's outboxes (`<app>` or `<app>.<id>`): a literal and a
 * prefix ending in the dot, so that the prefix `outbox.p2p-grid` does not also hand `outbox.p2p-gridX` over.
 */
export function outboxResourcesOf(app: string): Acl['resource'][] {
  const names = [
    { type: 'group', name: `outbox-checkpoint.${app}` },
    { type: 'transactionalId', name: `outbox.${app}` },
  ] as const;
  return names.flatMap(({ type, name }) => [
    { type, name, patternType: 'literal' as const },
    { type, name: `${name}.`, patternType: 'prefix' as const },
  ]);
}

/** The apps of `deployed` that use Kafka at all: they get a KafkaUser named after themselves. */
export function kafkaApps(catalog: Catalog, deployed: readonly string[]): string[] {
  const users = new Set(Object.values(catalog).flatMap((t) => [...t.producers, ...t.consumers]));
  return deployed.filter((app) => users.has(app));
}

/** A SCRAM-SHA-512 KafkaUser per Kafka app; the User Operator writes its password to the Secret `<app>`. */
export function kafkaUsers(catalog: Catalog, deployed: readonly string[]): Manifest[] {
  return kafkaApps(catalog, deployed).map((app) => ({
    apiVersion: 'kafka.strimzi.io/v1',
    kind: 'KafkaUser',
    metadata: { name: app, labels: { 'strimzi.io/cluster': KAFKA_CLUSTER } },
    spec: {
      authentication: { type: 'scram-sha-512' },
      authorization: { type: 'simple', acls: aclsOf(catalog, app) },
    },
  }));
}
