import { type Catalog, deadLetterTopicOf, outboxCheckpoints, physicalTopics } from '@flexgrid/contracts';
import { type Manifest } from './kafka-resources';
import { refOf } from './schemas';

/** What the policies read of an app's configuration schema (platform-service `EnvVar`). */
export interface EnvVarDefinition {
  variable: string;
  optional: boolean;
  default?: unknown;
  parse(raw: string): unknown;
}

export interface PolicyContext {
  catalog: Catalog;
  /** The configuration schema of the code in each image, keyed by the image's name (`ghcr.io/flexgrid/<app>`). */
  appEnv: Record<string, Record<string, EnvVarDefinition>>;
}

/** A check over one rendered overlay: the list of what it breaks, empty when it holds. */
export type Policy = (manifests: readonly Manifest[], context: PolicyContext) => string[];

/** Set by the Node.js runtime, not the app: the only variable besides the app's own a Deployment may set. */
const RUNTIME_VARIABLES = new Set(['NODE_OPTIONS']);
/** The app's drain after SIGTERM (platform-service SHUTDOWN_TIMEOUT_MS default). */
const DRAIN_SECONDS = 25;

// Structural views of the kinds the policies read; the schema checks hold them to the real schemas.
type Labels = Record<string, string>;
interface EnvEntry {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}
interface Probe {
  httpGet?: { path?: string; port?: string | number };
}
interface Container {
  name: string;
  image?: string;
  ports?: { name?: string; containerPort: number }[];
  env?: EnvEntry[];
  envFrom?: { configMapRef?: { name: string } }[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
  lifecycle?: { preStop?: { sleep?: { seconds: number }; exec?: unknown } };
  resources?: { requests?: { cpu?: unknown; memory?: unknown }; limits?: { memory?: unknown } };
  securityContext?: {
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    runAsNonRoot?: boolean;
    capabilities?: { drop?: string[] };
  };
}
interface Deployment extends Manifest {
  spec: {
    template: {
      metadata: { labels?: Labels };
      spec: {
        securityContext?: { runAsNonRoot?: boolean };
        terminationGracePeriodSeconds?: number;
        initContainers?: Container[];
        containers: Container[];
      };
    };
  };
}
interface NetworkPeer {
  podSelector?: { matchLabels?: Labels };
  namespaceSelector?: { matchLabels?: Labels };
  ipBlock?: { cidr: string };
}
interface NetworkPolicy extends Manifest {
  spec: {
    podSelector: { matchLabels?: Labels };
    policyTypes?: string[];
    ingress?: unknown[];
    egress?: { to?: NetworkPeer[]; ports?: { protocol?: string; port?: number | string }[] }[];
  };
}
interface Acl {
  resource: { type: string; name?: string; patternType?: string };
  operations: string[];
}

const of = <T extends Manifest>(manifests: readonly Manifest[], kind: string) =>
  manifests.filter((m) => m.kind === kind) as T[];
const deploymentsOf = (manifests: readonly Manifest[]) => of<Deployment>(manifests, 'Deployment');
const podLabels = (d: Deployment): Labels => d.spec.template.metadata.labels ?? {};
const allContainers = (d: Deployment): Container[] => [
  ...(d.spec.template.spec.initContainers ?? []),
  ...d.spec.template.spec.containers,
];

/** A selector that is non-empty and that every label of it matches. */
function selects(selector: Labels | undefined, labels: Labels): boolean {
  const entries = Object.entries(selector ?? {});
  return entries.length > 0 && entries.every(([key, value]) => labels[key] === value);
}

/** The app an image runs: `ghcr.io/flexgrid/<app>:<tag>`. */
export function appOfImage(image: string | undefined): string {
  return (
    (image ?? '')
      .replace(/[:@].*$/, '')
      .split('/')
      .pop() ?? ''
  );
}

/** Megabytes of a Kubernetes memory quantity (Mi, Gi, M, G or bytes). */
function mebibytes(quantity: unknown): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|K|M|G)?$/.exec(String(quantity ?? ''));
  if (!match) return undefined;
  const factor: Record<string, number> = {
    Ki: 1 / 1024,
    Mi: 1,
    Gi: 1024,
    K: 1e3 / 2 ** 20,
    M: 1e6 / 2 ** 20,
    G: 1e9 / 2 ** 20,
  };
  return Number(match[1]) * (match[2] ? factor[match[2]] : 1 / 2 ** 20);
}

type ResolvedEnv = Map<string, { value?: string; secret?: { name: string; key: string } }>;

/** A container's environment as the kubelet builds it: its ConfigMaps' keys, then its own entries. */
function environmentOf(
  container: Container,
  manifests: readonly Manifest[],
  problems: string[],
  where: string,
): ResolvedEnv {
  const env: ResolvedEnv = new Map();
  for (const source of container.envFrom ?? []) {
    const name = source.configMapRef?.name;
    const configMap = of<Manifest & { data?: Record<string, string> }>(manifests, 'ConfigMap').find(
      (c) => c.metadata.name === name,
    );
    if (!configMap) {
      problems.push(`${where}: envFrom names ConfigMap ${String(name)}, which is not rendered`);
      continue;
    }
    for (const [key, value] of Object.entries(configMap.data ?? {})) env.set(key, { value });
  }
  for (const entry of container.env ?? []) {
    env.set(entry.name, { value: entry.value, secret: entry.valueFrom?.secretKeyRef });
  }
  return env;
}

/** The environment of a Deployment's app container (the one named after it, else the first). */
function appEnvironment(d: Deployment, manifests: readonly Manifest[]): ResolvedEnv {
  const containers = d.spec.template.spec.containers;
  const main = containers.find((c) => c.name === d.metadata.name) ?? containers[0];
  return environmentOf(main, manifests, [], refOf(d));
}

/** A remote PowerMatcher concentrator keeps no database and uses no Kafka (the auctioneer README). */
const isRemoteConcentrator = (env: ResolvedEnv) => env.get('PM_ROLE')?.value === 'concentrator';

/** Probes, resources, securityContext, shutdown timing and image tags of every Deployment. */
export const workloads: Policy = (manifests) => {
  const problems: string[] = [];
  for (const d of deploymentsOf(manifests)) {
    const ref = refOf(d);
    const pod = d.spec.template.spec;
    if (pod.securityContext?.runAsNonRoot !== true)
      problems.push(`${ref}: pod securityContext.runAsNonRoot is not true`);
    for (const c of allContainers(d)) {
      const where = `${ref} container ${c.name}`;
      const sc = c.securityContext ?? {};
      if (sc.allowPrivilegeEscalation !== false) problems.push(`${where}: allowPrivilegeEscalation is not false`);
      if (sc.readOnlyRootFilesystem !== true) problems.push(`${where}: readOnlyRootFilesystem is not true`);
      if (!sc.capabilities?.drop?.includes('ALL')) problems.push(`${where}: capabilities do not drop ALL`);
      if (!c.resources?.requests?.cpu || !c.resources.requests.memory)
        problems.push(`${where}: no cpu and memory requests`);
      if (!c.resources?.limits?.memory) problems.push(`${where}: no memory limit`);
      const tag = /^[^@]+:([^:/@]+)$/.exec(c.image ?? '')?.[1];
      if (!c.image?.includes('@sha256:') && (tag === undefined || tag === 'latest'))
        problems.push(`${where}: image ${String(c.image)} is not pinned to a version tag`);
    }
    let preStopSeconds = 0;
    for (const c of pod.containers) {
      const where = `${ref} container ${c.name}`;
      if (c.readinessProbe?.httpGet?.path !== '/readyz') problems.push(`${where}: no readiness probe on /readyz`);
      if (c.livenessProbe?.httpGet?.path !== '/livez') problems.push(`${where}: no liveness probe on /livez`);
      if (!c.startupProbe) problems.push(`${where}: no startup probe`);
      const preStop = c.lifecycle?.preStop;
      if (!preStop) problems.push(`${where}: no preStop delay`);
      preStopSeconds = Math.max(preStopSeconds, preStop?.sleep?.seconds ?? 0);
    }
    const grace = pod.terminationGracePeriodSeconds ?? 30;
    if (grace <= DRAIN_SECONDS + preStopSeconds)
      problems.push(
        `${ref}: terminationGracePeriodSeconds ${grace} leaves no margin over the preStop delay (${preStopSeconds} s) and the ${DRAIN_SECONDS} s drain`,
      );
  }
  return problems;
};

/** Every Deployment has its Service, PodDisruptionBudget, NetworkPolicy and HPA, selecting its pods. */
export const companions: Policy = (manifests) => {
  const problems: string[] = [];
  const policies = of<NetworkPolicy>(manifests, 'NetworkPolicy');
  const isDefaultDeny = (p: NetworkPolicy) =>
    !p.spec.ingress?.length &&
    !p.spec.egress?.length &&
    ['Ingress', 'Egress'].every((t) => p.spec.policyTypes?.includes(t));
  for (const d of deploymentsOf(manifests)) {
    const ref = refOf(d);
    const labels = podLabels(d);
    const services = of<Manifest & { spec: { selector?: Labels; ports?: { targetPort?: string | number }[] } }>(
      manifests,
      'Service',
    ).filter((s) => selects(s.spec.selector, labels));
    if (services.length === 0) problems.push(`${ref}: no Service selects its pods`);
    const portNames = new Set(d.spec.template.spec.containers.flatMap((c) => (c.ports ?? []).map((p) => p.name)));
    for (const s of services)
      for (const port of s.spec.ports ?? [])
        if (typeof port.targetPort === 'string' && !portNames.has(port.targetPort))
          problems.push(`${refOf(s)}: targetPort ${port.targetPort} is no port of ${ref}`);
    const pdbs = of<Manifest & { spec: { selector?: { matchLabels?: Labels } } }>(manifests, 'PodDisruptionBudget');
    if (!pdbs.some((p) => selects(p.spec.selector?.matchLabels, labels)))
      problems.push(`${ref}: no PodDisruptionBudget selects its pods`);
    const own = policies.filter((p) => !isDefaultDeny(p) && selects(p.spec.podSelector.matchLabels, labels));
    if (own.length === 0) problems.push(`${ref}: no NetworkPolicy of its own selects its pods`);
    if (!policies.some((p) => isDefaultDeny(p) && selects(p.spec.podSelector.matchLabels, labels)))
      problems.push(`${ref}: no default-deny NetworkPolicy covers its pods`);
    const hpas = of<Manifest & { spec: { scaleTargetRef: { kind: string; name: string } } }>(
      manifests,
      'HorizontalPodAutoscaler',
    );
    if (
      !hpas.some((h) => h.spec.scaleTargetRef.kind === 'Deployment' && h.spec.scaleTargetRef.name === d.metadata.name)
    )
      problems.push(`${ref}: no HorizontalPodAutoscaler scales it`);
  }
  return problems;
};

/** The egress each app's NetworkPolicy opens: DNS always, Kafka and its database when it uses them. */
export const egress: Policy = (manifests) => {
  const problems: string[] = [];
  const kafka = of(manifests, 'Kafka')[0]?.metadata.name;
  for (const d of deploymentsOf(manifests)) {
    const ref = refOf(d);
    const env = appEnvironment(d, manifests);
    const rules = of<NetworkPolicy>(manifests, 'NetworkPolicy')
      .filter((p) => selects(p.spec.podSelector.matchLabels, podLabels(d)))
      .flatMap((p) => p.spec.egress ?? []);
    const opens = (peer: (p: NetworkPeer) => boolean, port: number) =>
      rules.some((r) => (r.to ?? []).some(peer) && (r.ports ?? []).some((p) => p.port === port));
    if (!opens((p) => p.podSelector?.matchLabels?.['k8s-app'] === 'kube-dns', 53))
      problems.push(`${ref}: its NetworkPolicy does not open DNS`);
    if (env.has('KAFKA_BROKERS') && !opens((p) => p.podSelector?.matchLabels?.['strimzi.io/cluster'] === kafka, 9093))
      problems.push(`${ref}: its NetworkPolicy does not open the Kafka brokers' TLS listener`);
    if (
      env.has('DATABASE_URL') &&
      !opens((p) => p.podSelector?.matchLabels?.['cnpg.io/cluster'] === `${d.metadata.name}-db`, 5432)
    )
      problems.push(`${ref}: its NetworkPolicy does not open its PostgreSQL cluster`);
  }
  return problems;
};

/** One KafkaTopic per catalog topic and dead-letter topic, with the catalog's name, partitions and config. */
export const topics: Policy = (manifests, { catalog }) => {
  const problems: string[] = [];
  type Topic = Manifest & { spec: { topicName?: string; partitions?: number; config?: Record<string, unknown> } };
  const rendered = new Map(of<Topic>(manifests, 'KafkaTopic').map((t) => [t.spec.topicName ?? t.metadata.name, t]));
  for (const { name, config } of physicalTopics(catalog)) {
    const topic = rendered.get(name);
    rendered.delete(name);
    if (!topic) {
      problems.push(`topic ${name}: no KafkaTopic`);
      continue;
    }
    if (topic.spec.partitions !== config.partitions)
      problems.push(
        `topic ${name}: ${String(topic.spec.partitions)} partitions, the catalog says ${config.partitions}`,
      );
    const expected: Record<string, unknown> = {
      'retention.ms': config.retentionMs,
      'cleanup.policy': config.cleanupPolicy,
      'max.message.bytes': config.maxMessageBytes,
    };
    for (const [key, value] of Object.entries(expected))
      if (topic.spec.config?.[key] !== value)
        problems.push(
          `topic ${name}: ${key} is ${String(topic.spec.config?.[key])}, the catalog says ${String(value)}`,
        );
  }
  for (const name of rendered.keys()) problems.push(`topic ${name}: a KafkaTopic the catalog does not have`);
  return problems;
};

/** An HPA never scales a Kafka consumer past the partitions of its topics: the extra replicas would idle. */
export const hpaPartitions: Policy = (manifests, { catalog }) =>
  of<Manifest & { spec: { scaleTargetRef: { name: string }; minReplicas?: number; maxReplicas: number } }>(
    manifests,
    'HorizontalPodAutoscaler',
  ).flatMap((hpa) => {
    const app = hpa.spec.scaleTargetRef.name;
    const consumed = Object.values(catalog).filter((t) => t.consumers.includes(app));
    const problems: string[] = [];
    if ((hpa.spec.minReplicas ?? 1) > hpa.spec.maxReplicas)
      problems.push(`${refOf(hpa)}: minReplicas above maxReplicas`);
    for (const topic of consumed)
      if (hpa.spec.maxReplicas > topic.config.partitions)
        problems.push(
          `${refOf(hpa)}: maxReplicas ${hpa.spec.maxReplicas} exceeds the ${topic.config.partitions} partitions of ${topic.name}, which ${app} consumes`,
        );
    return problems;
  });

/** Every app reaches Kafka as its KafkaUser and PostgreSQL through its CNPG cluster's app secret. */
export const backends: Policy = (manifests) => {
  const problems: string[] = [];
  const kafka = of<
    Manifest & {
      spec: {
        kafka: { listeners: { name: string; port: number; tls?: boolean; authentication?: { type: string } }[] };
      };
    }
  >(manifests, 'Kafka')[0];
  const listener = kafka?.spec.kafka.listeners.find((l) => l.tls && l.authentication?.type === 'scram-sha-512');
  const bootstrap = kafka && listener ? `${kafka.metadata.name}-kafka-bootstrap:${listener.port}` : undefined;
  const names = (kind: string) => new Set(of(manifests, kind).map((m) => m.metadata.name));
  const users = names('KafkaUser');
  const clusters = names('Cluster');
  for (const d of deploymentsOf(manifests)) {
    const ref = refOf(d);
    const name = d.metadata.name;
    const env = appEnvironment(d, manifests);
    if (isRemoteConcentrator(env)) continue;
    const secret = (variable: string, secretName: string, key: string) => {
      const from = env.get(variable)?.secret;
      if (from?.name !== secretName || from.key !== key)
        problems.push(`${ref}: ${variable} is not read from Secret ${secretName} key ${key}`);
    };
    if (!env.has('KAFKA_BROKERS')) problems.push(`${ref}: KAFKA_BROKERS is not set`);
    else if (env.get('KAFKA_BROKERS')?.value !== bootstrap)
      problems.push(`${ref}: KAFKA_BROKERS is not the SCRAM TLS listener ${String(bootstrap)}`);
    if (env.get('KAFKA_SASL_MECHANISM')?.value !== 'scram-sha-512')
      problems.push(`${ref}: KAFKA_SASL_MECHANISM is not scram-sha-512`);
    if (env.get('KAFKA_SASL_USERNAME')?.value !== name) problems.push(`${ref}: KAFKA_SASL_USERNAME is not ${name}`);
    if (env.get('KAFKA_SSL')?.value !== 'true') problems.push(`${ref}: KAFKA_SSL is not true`);
    secret('KAFKA_SASL_PASSWORD', name, 'password');
    if (!users.has(name)) problems.push(`${ref}: no KafkaUser ${name}`);
    if (!env.has('DATABASE_URL')) problems.push(`${ref}: DATABASE_URL is not set`);
    else secret('DATABASE_URL', `${name}-db-app`, 'uri');
    if (!clusters.has(`${name}-db`)) problems.push(`${ref}: no CloudNativePG Cluster ${name}-db`);
  }
  return problems;
};

/**
 * Each KafkaUser may write exactly the topics its app produces and the dead-letter topics of those it
 * consumes, read exactly the topics it consumes (and, for an outbox relay, the checkpoint topic), and
 * describe any catalog topic; its groups are its own (`<app>.` and `outbox-checkpoint.<app>`), its
 * transactional id its outbox's. Nothing else: no Create, no All, no cluster rights.
 */
export const kafkaAcls: Policy = (manifests, { catalog }) => {
  const problems: string[] = [];
  const known = new Set(physicalTopics(catalog).map((t) => t.name));
  const users = of<Manifest & { spec: { authorization?: { acls?: Acl[] } } }>(manifests, 'KafkaUser');
  for (const user of users) {
    const app = user.metadata.name;
    const ref = refOf(user);
    const all = Object.values(catalog);
    const relay = outboxCheckpoints.producers.includes(app);
    const consumed = all.filter((t) => t.consumers.includes(app)).map((t) => t.name);
    const wants = {
      Write: new Set([
        ...all.filter((t) => t.name !== outboxCheckpoints.name && t.producers.includes(app)).map((t) => t.name),
        ...consumed.map(deadLetterTopicOf),
      ]),
      Read: new Set([...consumed, ...(relay ? [outboxCheckpoints.name] : [])]),
    };
    const granted = { Write: new Set<string>(), Read: new Set<string>() };
    const groups = new Set([
      ...(consumed.length > 0 ? [`prefix ${app}.`] : []),
      ...(relay ? [`literal outbox-checkpoint.${app}`] : []),
    ]);
    const transactional = new Set(relay ? [`literal outbox.${app}`] : []);
    for (const acl of user.spec.authorization?.acls ?? []) {
      const { type, name = '', patternType = 'literal' } = acl.resource;
      const what = `${type} ${patternType} ${name}`;
      if (type === 'topic') {
        if (patternType !== 'literal' || !known.has(name)) {
          problems.push(`${ref}: ACL on ${what}, which is no catalog topic`);
          continue;
        }
        for (const op of acl.operations) {
          if (op === 'Read' || op === 'Write') granted[op].add(name);
          else if (op !== 'Describe') problems.push(`${ref}: ${op} on topic ${name}`);
        }
      } else if (type === 'group' || type === 'transactionalId') {
        const allowed = type === 'group' ? groups : transactional;
        if (!allowed.has(`${patternType} ${name}`)) problems.push(`${ref}: ACL on ${what}, which ${app} does not use`);
        const ops = type === 'group' ? ['Read', 'Describe'] : ['Write', 'Describe'];
        for (const op of acl.operations.filter((o) => !ops.includes(o))) problems.push(`${ref}: ${op} on ${what}`);
      } else {
        problems.push(`${ref}: ACL on ${what}: ${app} needs no ${type} rights`);
      }
    }
    for (const op of ['Read', 'Write'] as const) {
      for (const topic of wants[op]) if (!granted[op].has(topic)) problems.push(`${ref}: cannot ${op} ${topic}`);
      for (const topic of granted[op])
        if (!wants[op].has(topic)) problems.push(`${ref}: may ${op} ${topic}, which it does not need`);
    }
  }
  return problems;
};

/**
 * Every variable a container sets is one its app's configuration schema reads (or the Node.js runtime's), its
 * literal value is one the schema accepts, every required variable is set, and a heap size in NODE_OPTIONS
 * leaves room under the memory limit.
 */
export const environment: Policy = (manifests, { appEnv }) => {
  const problems: string[] = [];
  for (const d of deploymentsOf(manifests)) {
    for (const c of allContainers(d)) {
      const where = `${refOf(d)} container ${c.name}`;
      const app = appOfImage(c.image);
      const schema = appEnv[app];
      if (!schema) {
        problems.push(`${where}: no configuration schema for image ${String(c.image)}`);
        continue;
      }
      const byName = new Map(Object.values(schema).map((v) => [v.variable, v]));
      const env = environmentOf(c, manifests, problems, where);
      for (const [name, { value }] of env) {
        const definition = byName.get(name);
        if (!definition) {
          if (!RUNTIME_VARIABLES.has(name)) problems.push(`${where}: ${name} is not a variable ${app} reads`);
          continue;
        }
        if (value !== undefined && value !== '' && definition.parse(value) === undefined)
          problems.push(`${where}: ${name}=${value} is not a value ${app} accepts`);
      }
      for (const definition of byName.values())
        if (!definition.optional && definition.default === undefined && !env.has(definition.variable))
          problems.push(`${where}: ${definition.variable} is required by ${app} and not set`);
      const heap = /--max-old-space-size=(\d+)/.exec(env.get('NODE_OPTIONS')?.value ?? '')?.[1];
      const limit = mebibytes(c.resources?.limits?.memory);
      if (heap && limit !== undefined && Number(heap) > 0.8 * limit)
        problems.push(
          `${where}: a heap of ${heap} MiB leaves too little of the ${String(c.resources?.limits?.memory)} limit`,
        );
    }
  }
  return problems;
};

/**
 * Replication follows the broker count: a factor of min(brokers, 3) for topics and the internal topics, and
 * a minimum ISR one below it (1 on a single broker), so one broker can be down without stopping writes.
 */
export const replication: Policy = (manifests) => {
  const problems: string[] = [];
  const pools = of<Manifest & { spec: { replicas: number; roles: string[] } }>(manifests, 'KafkaNodePool');
  const brokers = pools.filter((p) => p.spec.roles.includes('broker')).reduce((n, p) => n + p.spec.replicas, 0);
  const factor = Math.min(brokers, 3);
  const minIsr = Math.max(factor - 1, 1);
  for (const kafka of of<Manifest & { spec: { kafka: { config?: Record<string, unknown> } } }>(manifests, 'Kafka')) {
    const config = kafka.spec.kafka.config ?? {};
    const wanted: Record<string, number> = {
      'default.replication.factor': factor,
      'offsets.topic.replication.factor': factor,
      'transaction.state.log.replication.factor': factor,
      'min.insync.replicas': minIsr,
      'transaction.state.log.min.isr': minIsr,
    };
    for (const [key, value] of Object.entries(wanted))
      if (config[key] !== value)
        problems.push(`${refOf(kafka)}: ${key} is ${String(config[key])}, with ${brokers} brokers it must be ${value}`);
  }
  for (const topic of of<Manifest & { spec: { replicas?: number } }>(manifests, 'KafkaTopic'))
    if (topic.spec.replicas !== factor)
      problems.push(
        `${refOf(topic)}: ${String(topic.spec.replicas)} replicas, with ${brokers} brokers it must be ${factor}`,
      );
  return problems;
};

interface Ingress extends Manifest {
  metadata: Manifest['metadata'] & { annotations?: Record<string, string> };
  spec: {
    rules?: {
      host?: string;
      http?: { paths: { backend: { service?: { name: string; port: { name?: string; number?: number } } } }[] };
    }[];
  };
}

/**
 * Every Ingress path reaches a port of a rendered Service, and VEN traffic keeps its client certificate: the
 * VTN's OpenADR port is reached through TLS passthrough, or through a terminating proxy whose certificate
 * header the VTN reads from trusted proxies only (OpenADR SPEC §10 SEC-7).
 */
export const ingresses: Policy = (manifests) => {
  const problems: string[] = [];
  type Service = Manifest & {
    spec: { selector?: Labels; ports?: { name?: string; port: number; targetPort?: string | number }[] };
  };
  const services = of<Service>(manifests, 'Service');
  for (const ingress of of<Ingress>(manifests, 'Ingress')) {
    for (const rule of ingress.spec.rules ?? []) {
      for (const { backend } of rule.http?.paths ?? []) {
        const target = backend.service;
        const service = services.find((s) => s.metadata.name === target?.name);
        const port = service?.spec.ports?.find((p) =>
          target?.port.name !== undefined ? p.name === target.port.name : p.port === target?.port.number,
        );
        if (!service || !port) {
          problems.push(
            `${refOf(ingress)}: ${rule.host ?? '*'} routes to ${String(target?.name)}:${String(target?.port.name ?? target?.port.number)}, which no Service serves`,
          );
          continue;
        }
        const vtn = deploymentsOf(manifests).find(
          (d) => selects(service.spec.selector, podLabels(d)) && appEnvironment(d, manifests).has('OADR_PORT'),
        );
        if (!vtn) continue;
        const env = appEnvironment(vtn, manifests);
        const openadrPort = vtn.spec.template.spec.containers
          .flatMap((c) => c.ports ?? [])
          .find((p) => String(p.containerPort) === env.get('OADR_PORT')?.value);
        if (port.targetPort !== openadrPort?.name && port.targetPort !== openadrPort?.containerPort) continue;
        const passthrough = ingress.metadata.annotations?.['nginx.ingress.kubernetes.io/ssl-passthrough'] === 'true';
        const sec7 = env.has('OADR_CLIENT_CERT_HEADER') && env.has('OADR_TRUSTED_PROXIES');
        if (!passthrough && !sec7)
          problems.push(
            `${refOf(ingress)}: reaches the OpenADR port of ${refOf(vtn)} without TLS passthrough or OADR_CLIENT_CERT_HEADER and OADR_TRUSTED_PROXIES (SEC-7)`,
          );
      }
    }
  }
  return problems;
};

export const POLICIES = {
  workloads,
  companions,
  egress,
  topics,
  hpaPartitions,
  backends,
  kafkaAcls,
  environment,
  replication,
  ingresses,
} satisfies Record<string, Policy>;

/** Every policy over one rendered overlay, each problem prefixed with the policy that found it. */
export function policyProblems(manifests: readonly Manifest[], context: PolicyContext): string[] {
  return Object.entries(POLICIES).flatMap(([name, policy]) => policy(manifests, context).map((p) => `${name}: ${p}`));
}
