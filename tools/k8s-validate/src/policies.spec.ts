import { context } from './context.test-util';
import { type Manifest } from './kafka-resources';
import { POLICIES, type Policy } from './policies';
import { renderOverlay } from './render';

// Every policy holds on the rendered prod overlay (overlays.spec.ts); each case breaks one thing in a copy
// and expects exactly the problem that names it.
const rendered = renderOverlay('prod');
type Mutable = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function find(manifests: Manifest[], kind: string, name?: string): Mutable {
  const found = manifests.find((m) => m.kind === kind && (name === undefined || m.metadata.name === name));
  if (!found) throw new Error(`no ${kind} ${name ?? ''} rendered`);
  return found as Mutable;
}

function problemsAfter(policy: Policy, edit: (manifests: Manifest[]) => void): string[] {
  const manifests = structuredClone(rendered);
  edit(manifests);
  return policy(manifests, context);
}

const deployment = (manifests: Manifest[], name = 'p2p-grid') => find(manifests, 'Deployment', name);
const container = (manifests: Manifest[], name = 'p2p-grid') =>
  deployment(manifests, name).spec.template.spec.containers[0] as Mutable;
const configMap = (manifests: Manifest[], app: string) =>
  manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name.startsWith(`${app}-config`)) as Mutable;

it('holds on the rendered prod overlay before anything is broken', () => {
  for (const policy of Object.values(POLICIES)) expect(policy(rendered, context)).toEqual([]);
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
      'Deployment/p2p-grid: its NetworkPolicy does not open DNS',
      "Deployment/p2p-grid: its NetworkPolicy does not open the Kafka brokers' TLS listener",
      'Deployment/p2p-grid: its NetworkPolicy does not open its PostgreSQL cluster',
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
      (m) => (find(m, 'KafkaTopic', 's2.frames.dlq').spec.topicName = 's2.frames.dead'),
    );
    expect(problems).toEqual([
      'topic s2.frames.dlq: no KafkaTopic',
      'topic s2.frames.dead: a KafkaTopic the catalog does not have',
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

  it('catches a variable the app does not read, in every container that gets it', () => {
    expect(problemsAfter(environment, (m) => (configMap(m, 'p2p-grid').data.P2P_GRID_NAME = 'x'))).toEqual([
      'Deployment/p2p-grid container migrate: P2P_GRID_NAME is not a variable p2p-grid reads',
      'Deployment/p2p-grid container p2p-grid: P2P_GRID_NAME is not a variable p2p-grid reads',
    ]);
  });

  it('catches a required variable that is not set', () => {
    expect(problemsAfter(environment, (m) => delete configMap(m, 'p2p-grid').data.P2P_GRID_ID)).toEqual([
      'Deployment/p2p-grid container migrate: P2P_GRID_ID is required by p2p-grid and not set',
      'Deployment/p2p-grid container p2p-grid: P2P_GRID_ID is required by p2p-grid and not set',
    ]);
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
