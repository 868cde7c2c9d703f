import { context } from './context.test-util';
import { type Manifest } from './kafka-resources';
import { POLICIES, type Policy } from './policies';
import { renderOverlay } from './render';

// Every policy holds on the rendered prod overlay (overlays.spec.ts); each case breaks one thing in a copy
// and expects exactly the problem that names it.
const rendered = renderOverlay('prod');
const renderedDev = renderOverlay('dev');
type Mutable = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function find(manifests: Manifest[], kind: string, name?: string): Mutable {
  const found = manifests.find((m) => m.kind === kind && (name === undefined || m.metadata.name === name));
  if (!found) throw new Error(`no ${kind} ${name ?? ''} rendered`);
  return found as Mutable;
}

function problemsAfter(policy: Policy, edit: (manifests: Manifest[]) => void, from = rendered): string[] {
  const manifests = structuredClone(from);
  edit(manifests);
  return policy(manifests, context);
}

const deployment = (manifests: Manifest[], name = 'p2p-grid') => find(manifests, 'Deployment', name);
const container = (manifests: Manifest[], name = 'p2p-grid') =>
  deployment(manifests, name).spec.template.spec.containers[0] as Mutable;
const configMap = (manifests: Manifest[], app: string) =>
  manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name.startsWith(`${app}-config`)) as Mutable;

it('holds on the rendered prod and dev overlays before anything is broken', () => {
  for (const policy of Object.values(POLICIES)) {
    expect(policy(rendered, context)).toEqual([]);
    expect(policy(renderedDev, context)).toEqual([]);
  }
});

describe('workloads', () => {
  const { workloads } = POLICIES;

  it('catches a missing readiness probe', () => {
    expect(problemsAfter(workloads, (m) => delete container(m).readinessProbe)).toEqual([
      'Deployment/p2p-grid container p2p-grid: no readiness probe on /readyz',
    ]);
  });

  it('catches a liveness probe on another path and a missing startup probe', () => {
    const problems = problemsAfter(workloads, (m) => {
      container(m).livenessProbe.httpGet.path = '/healthz';
      delete container(m).startupProbe;
    });
    expect(problems).toEqual([
      'Deployment/p2p-grid container p2p-grid: no liveness probe on /livez',
      'Deployment/p2p-grid container p2p-grid: no startup probe',
    ]);
  });

  it('catches a container without memory limit or requests', () => {
    expect(problemsAfter(workloads, (m) => delete container(m).resources)).toEqual([
      'Deployment/p2p-grid container p2p-grid: no cpu and memory requests',
      'Deployment/p2p-grid container p2p-grid: no memory limit',
    ]);
  });

  it('catches a writable root filesystem, privilege escalation and kept capabilities, init containers included', () => {
    const problems = problemsAfter(workloads, (m) => {
      const init = deployment(m).spec.template.spec.initContainers[0];
      init.securityContext = { readOnlyRootFilesystem: false, allowPrivilegeEscalation: true };
    });
    expect(problems).toEqual([
      'Deployment/p2p-grid container migrate: allowPrivilegeEscalation is not false',
      'Deployment/p2p-grid container migrate: readOnlyRootFilesystem is not true',
      'Deployment/p2p-grid container migrate: capabilities do not drop ALL',
    ]);
  });

  it('catches a pod that may run as root', () => {
    expect(
      problemsAfter(workloads, (m) => delete deployment(m).spec.template.spec.securityContext.runAsNonRoot),
    ).toEqual(['Deployment/p2p-grid: pod securityContext.runAsNonRoot is not true']);
  });

  it('catches a :latest or untagged image', () => {
    const problems = problemsAfter(workloads, (m) => {
      container(m).image = 'ghcr.io/flexgrid/p2p-grid:latest';
      container(m, 'p2p-producer').image = 'ghcr.io/flexgrid/p2p-producer';
    });
    expect(problems).toEqual([
      'Deployment/p2p-grid container p2p-grid: image ghcr.io/flexgrid/p2p-grid:latest is not pinned to a version tag',
      'Deployment/p2p-producer container p2p-producer: image ghcr.io/flexgrid/p2p-producer is not pinned to a version tag',
    ]);
  });

  it('catches a drain, read from SHUTDOWN_TIMEOUT_MS, that the grace period does not hold', () => {
    expect(problemsAfter(workloads, (m) => (configMap(m, 'p2p-grid').data.SHUTDOWN_TIMEOUT_MS = '60000'))).toEqual([
      'Deployment/p2p-grid: terminationGracePeriodSeconds 40 leaves no margin over the preStop delay (5 s) and the 60 s drain',
    ]);
  });

  it('catches a probe on a port the container does not have, and a preStop that does not sleep', () => {
    const problems = problemsAfter(workloads, (m) => {
      container(m).readinessProbe.httpGet.port = 'metrics';
      container(m).lifecycle.preStop.sleep.seconds = 0;
    });
    expect(problems).toEqual([
      "Deployment/p2p-grid container p2p-grid: the readiness probe's port metrics is no port of the container",
      'Deployment/p2p-grid container p2p-grid: no preStop delay',
    ]);
  });

  it('catches a missing preStop delay and a grace period the drain does not fit in', () => {
    const problems = problemsAfter(workloads, (m) => {
      delete container(m).lifecycle;
      deployment(m).spec.template.spec.terminationGracePeriodSeconds = 25;
    });
    expect(problems).toEqual([
      'Deployment/p2p-grid container p2p-grid: no preStop delay',
      'Deployment/p2p-grid: terminationGracePeriodSeconds 25 leaves no margin over the preStop delay (0 s) and the 25 s drain',
    ]);
  });
});

describe('companions', () => {
  const { companions } = POLICIES;
  const drop = (kind: string, name: string) => (m: Manifest[]) =>
    m.splice(m.indexOf(find(m, kind, name) as Manifest), 1);

  it.each([
    ['Service', 'no Service selects its pods'],
    ['PodDisruptionBudget', 'no PodDisruptionBudget selects its pods'],
    ['NetworkPolicy', 'no NetworkPolicy of its own selects its pods'],
    ['HorizontalPodAutoscaler', 'no HorizontalPodAutoscaler scales it'],
  ])('catches a Deployment without its %s', (kind, problem) => {
    expect(problemsAfter(companions, drop(kind, 's2-analyzer'))).toEqual([`Deployment/s2-analyzer: ${problem}`]);
  });

  it('catches a selector that no longer matches the pods', () => {
    expect(
      problemsAfter(
        companions,
        (m) =>
          (find(m, 'PodDisruptionBudget', 's2-analyzer').spec.selector.matchLabels['app.kubernetes.io/name'] = 's2'),
      ),
    ).toEqual(['Deployment/s2-analyzer: no PodDisruptionBudget selects its pods']);
  });

  it('catches a Service port that targets no container port', () => {
    expect(
      problemsAfter(companions, (m) => (find(m, 'Service', 's2-analyzer').spec.ports[0].targetPort = 'web')),
    ).toEqual(['Service/s2-analyzer: targetPort web is no port of Deployment/s2-analyzer']);
  });

  it('catches pods the default deny does not cover', () => {
    const problems = problemsAfter(companions, (m) => (find(m, 'NetworkPolicy', 'default-deny').spec.egress = [{}]));
    expect(problems).toHaveLength(6);
    expect(problems[0]).toMatch(/no default-deny NetworkPolicy covers its pods/);
  });
});

describe('egress', () => {
  it('catches a NetworkPolicy that does not open the app its database, Kafka or DNS', () => {
    const problems = problemsAfter(POLICIES.egress, (m) => (find(m, 'NetworkPolicy', 'p2p-grid').spec.egress = []));
    expect(problems).toEqual([
      'Deployment/p2p-grid: its NetworkPolicy does not open DNS in kube-system',
      "Deployment/p2p-grid: its NetworkPolicy does not open the Kafka brokers' TLS listener",
      'Deployment/p2p-grid: its NetworkPolicy does not open its PostgreSQL cluster',
    ]);
  });
});

describe('egress peers', () => {
  const { egress } = POLICIES;
  const rules = (m: Manifest[]) => find(m, 'NetworkPolicy', 'p2p-grid').spec.egress as Mutable[];

  it('catches DNS opened to kube-dns pods of the own namespace', () => {
    expect(problemsAfter(egress, (m) => delete rules(m)[0].to[0].namespaceSelector)).toEqual([
      'Deployment/p2p-grid: its NetworkPolicy does not open DNS in kube-system',
    ]);
  });

  it("catches Kafka opened on another port than the Kafka cluster's listener, and accepts its port name", () => {
    const problems = problemsAfter(egress, (m) => (find(m, 'Kafka').spec.kafka.listeners[0].port = 9094));
    expect(problems.sort()).toEqual(
      ['openadr-vtn', 'p2p-grid', 'p2p-producer', 'powermatcher-auctioneer', 's2-analyzer'].map(
        (app) => `Deployment/${app}: its NetworkPolicy does not open the Kafka brokers' TLS listener`,
      ),
    );
    expect(problemsAfter(egress, (m) => (rules(m)[1].ports[0].port = 'tcp-tls'))).toEqual([]);
  });
});

describe('networkIngress', () => {
  const { networkIngress } = POLICIES;
  const rules = (m: Manifest[]) => find(m, 'NetworkPolicy', 's2-analyzer').spec.ingress as Mutable[];

  it('catches a port the Service does not serve', () => {
    expect(problemsAfter(networkIngress, (m) => rules(m)[0].ports.push({ protocol: 'TCP', port: 9229 }))).toEqual([
      'Deployment/s2-analyzer: its NetworkPolicy lets in port 9229, which its Service does not serve',
    ]);
  });

  it('catches a metrics port the monitoring namespace cannot reach', () => {
    expect(problemsAfter(networkIngress, (m) => rules(m).splice(1, 1))).toEqual([
      'Deployment/s2-analyzer: ServiceMonitor/s2-analyzer scrapes port http, which the monitoring namespace cannot reach',
    ]);
  });
});

describe('egress to the internet', () => {
  it('catches an egress to 0.0.0.0/0 that reaches the cloud metadata service', () => {
    const problems = problemsAfter(POLICIES.egress, (m) => {
      const rules = find(m, 'NetworkPolicy', 's2-analyzer').spec.egress as Mutable[];
      delete rules.find((r) => r.to[0].ipBlock)!.to[0].ipBlock.except;
    });
    expect(problems).toEqual([
      'Deployment/s2-analyzer: its NetworkPolicy opens 0.0.0.0/0 without excepting 169.254.0.0/16 (cloud metadata)',
    ]);
  });
});

describe('topics', () => {
  const { topics } = POLICIES;

  it('catches partitions and retention that differ from the catalog', () => {
    const problems = problemsAfter(topics, (m) => {
      const topic = find(m, 'KafkaTopic', 'p2p.payments');
      topic.spec.partitions = 6;
      topic.spec.config['retention.ms'] = 1000;
    });
    expect(problems).toEqual([
      'topic p2p.payments: 6 partitions, the catalog says 3',
      'topic p2p.payments: retention.ms is 1000, the catalog says -1',
    ]);
  });

  it('catches a missing dead-letter topic and a topic the catalog does not have', () => {
    const problems = problemsAfter(
      topics,
      (m) => (find(m, 'KafkaTopic', 'meter.readings.dlq').spec.topicName = 's2.frames.dead'),
    );
    expect(problems).toEqual([
      'topic meter.readings.dlq: no KafkaTopic',
      'topic s2.frames.dead: a KafkaTopic the catalog does not have',
    ]);
  });
});

describe('hpaPartitions by the app label of the HPA target', () => {
  it('catches a renamed Deployment whose HPA would scale its consumer past the partitions, on dev', () => {
    const problems = problemsAfter(
      POLICIES.hpaPartitions,
      (m) => {
        deployment(m).metadata.name = 'grid';
        const hpa = find(m, 'HorizontalPodAutoscaler', 'p2p-grid');
        hpa.spec.scaleTargetRef.name = 'grid';
        hpa.spec.maxReplicas = 4;
      },
      renderedDev,
    );
    expect(problems).toEqual([
      'HorizontalPodAutoscaler/p2p-grid: maxReplicas 4 exceeds the 3 partitions of p2p.producer-output, which p2p-grid consumes',
      'HorizontalPodAutoscaler/p2p-grid: maxReplicas 4 exceeds the 3 partitions of p2p.payments, which p2p-grid consumes',
    ]);
  });
});

describe('hpaPartitions', () => {
  it("catches an HPA that would scale a consumer past its topics' partitions", () => {
    const problems = problemsAfter(
      POLICIES.hpaPartitions,
      (m) => (find(m, 'HorizontalPodAutoscaler', 'p2p-grid').spec.maxReplicas = 4),
    );
    expect(problems).toEqual([
      'HorizontalPodAutoscaler/p2p-grid: maxReplicas 4 exceeds the 3 partitions of p2p.producer-output, which p2p-grid consumes',
      'HorizontalPodAutoscaler/p2p-grid: maxReplicas 4 exceeds the 3 partitions of p2p.payments, which p2p-grid consumes',
    ]);
  });
});

describe('replicas', () => {
  const { replicas } = POLICIES;

  it('catches an app with in-memory sessions that may run a second replica', () => {
    const problems = problemsAfter(replicas, (m) => {
      find(m, 'HorizontalPodAutoscaler', 's2-analyzer').spec.maxReplicas = 2;
      deployment(m, 'powermatcher-auctioneer').spec.strategy = { type: 'RollingUpdate' };
    });
    expect(problems).toEqual([
      'Deployment/powermatcher-auctioneer: keeps sessions in memory, but its rollouts do not Recreate',
      'Deployment/s2-analyzer: keeps sessions in memory, but its HPA allows 2 replicas',
    ]);
  });

  it('catches a Deployment that sets replicas its HPA manages', () => {
    expect(problemsAfter(replicas, (m) => (deployment(m).spec.replicas = 3))).toEqual([
      'Deployment/p2p-grid: sets 3 replicas while HorizontalPodAutoscaler/p2p-grid manages them (minReplicas 2)',
    ]);
  });
});

describe('databaseConnections', () => {
  it("catches pools that the HPA's maximum would take past the database's max_connections", () => {
    const problems = problemsAfter(POLICIES.databaseConnections, (m) => {
      delete find(m, 'Cluster', 'openadr-vtn-db').spec.postgresql.parameters.max_connections;
      find(m, 'HorizontalPodAutoscaler', 'p2p-grid').spec.maxReplicas = 9;
    });
    expect(problems).toEqual([
      "Deployment/openadr-vtn: 7 pods × (pool 20 + LISTEN + migrate) + 10 reserved = 164 connections, above Cluster/openadr-vtn-db's max_connections 100",
      "Deployment/p2p-grid: 10 pods × (pool 10 + LISTEN + migrate) + 10 reserved = 130 connections, above Cluster/p2p-grid-db's max_connections 100",
    ]);
  });
});

describe('backends', () => {
  const { backends } = POLICIES;

  it('catches an app without KAFKA_BROKERS or DATABASE_URL', () => {
    const problems = problemsAfter(backends, (m) => {
      delete configMap(m, 'p2p-grid').data.KAFKA_BROKERS;
      container(m).env = container(m).env.filter((e: { name: string }) => e.name !== 'DATABASE_URL');
    });
    expect(problems).toEqual([
      'Deployment/p2p-grid: KAFKA_BROKERS is not set',
      'Deployment/p2p-grid: DATABASE_URL is not set',
    ]);
  });

  it("catches a DATABASE_URL that is not the CNPG cluster's app secret, and a missing cluster", () => {
    const problems = problemsAfter(backends, (m) => {
      const url = container(m).env.find((e: { name: string }) => e.name === 'DATABASE_URL');
      url.valueFrom.secretKeyRef.key = 'password';
      m.splice(m.indexOf(find(m, 'Cluster', 'p2p-grid-db') as Manifest), 1);
    });
    expect(problems).toEqual([
      'Deployment/p2p-grid: DATABASE_URL is not read from Secret p2p-grid-db-app key uri',
      'Deployment/p2p-grid: no CloudNativePG Cluster p2p-grid-db',
    ]);
  });

  it('checks an app that says PM_ROLE=concentrator as that app, and a concentrator given a database', () => {
    const problems = problemsAfter(backends, (m) => {
      configMap(m, 'powermatcher-auctioneer').data.PM_ROLE = 'concentrator';
      delete configMap(m, 'powermatcher-auctioneer').data.KAFKA_BROKERS;
      container(m, 'powermatcher-concentrator').env = [
        { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'x', key: 'uri' } } },
      ];
    });
    expect(problems.sort()).toEqual([
      'Deployment/powermatcher-auctioneer: KAFKA_BROKERS is not set',
      'Deployment/powermatcher-concentrator: a remote concentrator, but DATABASE_URL is set',
    ]);
  });

  it('catches an app without DATABASE_URL on dev too', () => {
    const problems = problemsAfter(
      backends,
      (m) => (container(m).env = container(m).env.filter((e: { name: string }) => e.name !== 'DATABASE_URL')),
      renderedDev,
    );
    expect(problems).toEqual(['Deployment/p2p-grid: DATABASE_URL is not set']);
  });

  it("catches another app's Kafka user and a plain-text bootstrap address", () => {
    const problems = problemsAfter(backends, (m) => {
      configMap(m, 'p2p-grid').data.KAFKA_SASL_USERNAME = 'p2p-producer';
      configMap(m, 'p2p-grid').data.KAFKA_BROKERS = 'flexgrid-kafka-bootstrap:9092';
    });
    expect(problems).toEqual([
      'Deployment/p2p-grid: KAFKA_BROKERS is not the SCRAM TLS listener flexgrid-kafka-bootstrap:9093',
      'Deployment/p2p-grid: KAFKA_SASL_USERNAME is not p2p-grid',
    ]);
  });
});

describe('kafkaAcls', () => {
  const { kafkaAcls } = POLICIES;
  const acls = (m: Manifest[], user: string) => find(m, 'KafkaUser', user).spec.authorization.acls as Mutable[];
  const on = (m: Manifest[], user: string, topic: string) => acls(m, user).find((a) => a.resource.name === topic)!;

  it('catches a user that cannot write a topic its app produces', () => {
    expect(problemsAfter(kafkaAcls, (m) => (on(m, 'p2p-grid', 'p2p.settlements').operations = ['Describe']))).toEqual([
      'KafkaUser/p2p-grid: cannot Write p2p.settlements',
    ]);
  });

  it('catches a user that may read a topic its app does not consume', () => {
    expect(problemsAfter(kafkaAcls, (m) => on(m, 's2-analyzer', 'openadr.events').operations.unshift('Read'))).toEqual([
      'KafkaUser/s2-analyzer: may Read openadr.events, which it does not need',
    ]);
  });

  it('catches a missing consumer group and outbox transactional id', () => {
    const problems = problemsAfter(kafkaAcls, (m) => {
      const list = acls(m, 'p2p-grid');
      list.splice(
        list.findIndex((a) => a.resource.type === 'group' && a.resource.patternType === 'prefix'),
        1,
      );
      list.splice(
        list.findIndex((a) => a.resource.type === 'transactionalId'),
        1,
      );
    });
    expect(problems).toEqual([
      'KafkaUser/p2p-grid: cannot use group prefix p2p-grid.',
      'KafkaUser/p2p-grid: cannot use transactionalId literal outbox.p2p-grid',
    ]);
  });

  it("catches an outbox prefix that also matches another app's names", () => {
    const problems = problemsAfter(kafkaAcls, (m) =>
      acls(m, 'p2p-grid').push({
        resource: { type: 'transactionalId', name: 'outbox.p2p-grid', patternType: 'prefix' },
        operations: ['Write', 'Describe'],
      }),
    );
    expect(problems).toEqual([
      'KafkaUser/p2p-grid: ACL on transactionalId prefix outbox.p2p-grid, which p2p-grid does not use',
    ]);
  });

  it('counts a deny ACL as no grant', () => {
    expect(problemsAfter(kafkaAcls, (m) => (on(m, 'p2p-grid', 'p2p.settlements').type = 'deny'))).toEqual([
      'KafkaUser/p2p-grid: cannot Write p2p.settlements',
    ]);
  });

  it("catches a missing dead-letter grant, a wildcard topic and another app's group", () => {
    const problems = problemsAfter(kafkaAcls, (m) => {
      on(m, 'p2p-producer', 'meter.readings.dlq').operations = ['Describe'];
      acls(m, 'p2p-producer').push(
        { resource: { type: 'topic', name: '*', patternType: 'literal' }, operations: ['All'] },
        { resource: { type: 'group', name: 'p2p-grid.', patternType: 'prefix' }, operations: ['Read'] },
        { resource: { type: 'cluster' }, operations: ['Create'] },
      );
    });
    expect(problems).toEqual([
      'KafkaUser/p2p-producer: ACL on topic literal *, which is no catalog topic',
      'KafkaUser/p2p-producer: ACL on group prefix p2p-grid., which p2p-producer does not use',
      'KafkaUser/p2p-producer: ACL on cluster literal : p2p-producer needs no cluster rights',
      'KafkaUser/p2p-producer: cannot Write meter.readings.dlq',
    ]);
  });
});

describe('environment', () => {
  const { environment } = POLICIES;

  it('catches a variable the app does not read', () => {
    expect(problemsAfter(environment, (m) => (configMap(m, 'p2p-grid').data.P2P_GRID_NAME = 'x'))).toEqual([
      'Deployment/p2p-grid container p2p-grid: P2P_GRID_NAME is not a variable p2p-grid reads',
    ]);
  });

  it('catches a required variable that is not set', () => {
    expect(problemsAfter(environment, (m) => delete configMap(m, 'p2p-grid').data.P2P_GRID_ID)).toEqual([
      'Deployment/p2p-grid container p2p-grid: P2P_GRID_ID is required by p2p-grid and not set',
    ]);
  });

  it("catches a migrate container that gets the app's configuration, secrets or certificates", () => {
    const problems = problemsAfter(environment, (m) => {
      const migrate = deployment(m).spec.template.spec.initContainers[0];
      migrate.envFrom = container(m).envFrom;
      migrate.env = container(m).env;
      migrate.volumeMounts.push({ name: 'kafka-ca', mountPath: '/etc/kafka-ca' });
    });
    expect(problems).toContain(
      'Deployment/p2p-grid container migrate: mounts Secret volume kafka-ca, which p2p-grid migrate does not read',
    );
    expect(problems).toContain(
      'Deployment/p2p-grid container migrate: P2P_GRID_SIGNING_KEY is not a variable p2p-grid migrate reads',
    );
    expect(problems).toContain(
      'Deployment/p2p-grid container migrate: KAFKA_SASL_PASSWORD is not a variable p2p-grid migrate reads',
    );
  });

  it('catches a migrate container without DATABASE_URL', () => {
    expect(problemsAfter(environment, (m) => deployment(m).spec.template.spec.initContainers[0].env.shift())).toEqual([
      'Deployment/p2p-grid container migrate: DATABASE_URL is required by p2p-grid migrate and not set',
    ]);
  });

  it("runs the app's own cross-variable checks", () => {
    expect(problemsAfter(environment, (m) => delete configMap(m, 'openadr-vtn').data.OADR_TLS_CA)).toEqual([
      'Deployment/openadr-vtn container openadr-vtn: OADR_TLS_CA is required when OADR_TLS=on (mutual TLS, SEC-2)',
    ]);
  });

  it('catches a file path on no mounted volume', () => {
    expect(
      problemsAfter(environment, (m) => (configMap(m, 'openadr-vtn').data.OADR_TLS_CA = '/etc/ssl/ven-ca.crt')),
    ).toEqual([
      'Deployment/openadr-vtn container openadr-vtn: OADR_TLS_CA names /etc/ssl/ven-ca.crt, which is on no mounted volume',
    ]);
  });

  it("knows the VTN's service variables", () => {
    expect(problemsAfter(environment, (m) => (configMap(m, 'openadr-vtn').data.SHUTDOWN_TIMEOUT_MS = '20000'))).toEqual(
      [],
    );
  });

  it('catches a value the app refuses', () => {
    const problems = problemsAfter(
      environment,
      (m) => (configMap(m, 'powermatcher-concentrator').data.PM_ROLE = 'matcher'),
    );
    expect(problems).toEqual([
      'Deployment/powermatcher-concentrator container powermatcher-concentrator: PM_ROLE=matcher is not a value powermatcher-auctioneer accepts',
    ]);
  });

  it("catches NODE_OPTIONS that drop the image's source maps", () => {
    expect(
      problemsAfter(environment, (m) => (configMap(m, 'p2p-producer').data.NODE_OPTIONS = '--max-old-space-size=384')),
    ).toEqual(["Deployment/p2p-producer container p2p-producer: NODE_OPTIONS drops the image's --enable-source-maps"]);
  });

  it('catches a heap that does not fit the memory limit', () => {
    expect(problemsAfter(environment, (m) => (container(m).resources.limits.memory = '1Gi'))).toEqual([
      'Deployment/p2p-grid container p2p-grid: a heap of 1536 MiB leaves too little of the 1Gi limit',
    ]);
  });
});

describe('replication', () => {
  it('catches topics and settings that do not follow the broker count', () => {
    const problems = problemsAfter(POLICIES.replication, (m) => {
      find(m, 'Kafka').spec.kafka.config['min.insync.replicas'] = 1;
      find(m, 'KafkaTopic', 'openadr.events').spec.replicas = 1;
    });
    expect(problems).toEqual([
      'Kafka/flexgrid: min.insync.replicas is 1, with 3 brokers it must be 2',
      'KafkaTopic/openadr.events: 1 replicas, with 3 brokers it must be 3',
    ]);
  });
});

describe('ingresses', () => {
  const { ingresses } = POLICIES;

  it('catches a VTN ingress that terminates TLS without the SEC-7 certificate header', () => {
    const problems = problemsAfter(
      ingresses,
      (m) =>
        delete find(m, 'Ingress', 'openadr-vtn').metadata.annotations['nginx.ingress.kubernetes.io/ssl-passthrough'],
    );
    expect(problems).toEqual([
      'Ingress/openadr-vtn: reaches the OpenADR port of Deployment/openadr-vtn without TLS passthrough or OADR_CLIENT_CERT_HEADER and OADR_TRUSTED_PROXIES (SEC-7)',
    ]);
  });

  it('finds the OpenADR port without OADR_PORT in the overlay', () => {
    const problems = problemsAfter(ingresses, (m) => {
      delete find(m, 'Ingress', 'openadr-vtn').metadata.annotations['nginx.ingress.kubernetes.io/ssl-passthrough'];
      delete configMap(m, 'openadr-vtn').data.OADR_PORT;
    });
    expect(problems).toEqual([
      'Ingress/openadr-vtn: reaches the OpenADR port of Deployment/openadr-vtn without TLS passthrough or OADR_CLIENT_CERT_HEADER and OADR_TRUSTED_PROXIES (SEC-7)',
    ]);
  });

  it('accepts a terminating ingress when the VTN reads the certificate header from trusted proxies', () => {
    const problems = problemsAfter(ingresses, (m) => {
      delete find(m, 'Ingress', 'openadr-vtn').metadata.annotations['nginx.ingress.kubernetes.io/ssl-passthrough'];
      Object.assign(configMap(m, 'openadr-vtn').data, {
        OADR_CLIENT_CERT_HEADER: 'ssl-client-cert',
        OADR_TRUSTED_PROXIES: '10.0.0.0/8',
      });
    });
    expect(problems).toEqual([]);
  });

  it('catches a public path that reaches /metrics, /livez or /readyz', () => {
    const problems = problemsAfter(ingresses, (m) => {
      const paths = find(m, 'Ingress', 'p2p-grid').spec.rules[0].http.paths;
      paths.push({ ...paths[0], path: '/' }, { ...paths[0], path: '/metrics', pathType: 'Exact' });
    });
    expect(problems).toEqual([
      'Ingress/p2p-grid: grid.flexgrid.example path / exposes /metrics publicly',
      'Ingress/p2p-grid: grid.flexgrid.example path /metrics exposes /metrics publicly',
    ]);
  });

  it('catches a path to a port no Service has', () => {
    const problems = problemsAfter(
      ingresses,
      (m) => (find(m, 'Ingress', 's2-analyzer').spec.rules[0].http.paths[0].backend.service.port.name = 'web'),
    );
    expect(problems).toEqual([
      'Ingress/s2-analyzer: s2.flexgrid.example routes to s2-analyzer:web, which no Service serves',
    ]);
  });
});
