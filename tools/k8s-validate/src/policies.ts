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
  /** What the `migrate` command of every image reads (platform-db `migrateCommandEnv`). */
  migrateEnv: Record<string, EnvVarDefinition>;
  /** A pool's size where the app sets no DATABASE_POOL_SIZE (platform-db `DEFAULT_POOL_SIZE`). */
  defaultPoolSize: number;
  /** What every service reads (platform-service `serviceEnv`): the drain's defaults among them. */
  serviceEnv: Record<string, EnvVarDefinition>;
  /**
   * An app's checks that span several variables (the VTN's `configProblems`), over the values the manifests
   * give; the variables read from Secrets, whose values they do not hold, are left out of its schema.
   */
  crossChecks: Record<string, (environment: Record<string, string>, fromSecrets: ReadonlySet<string>) => string[]>;
}

/** A check over one rendered overlay: the list of what it breaks, empty when it holds. */
export type Policy = (manifests: readonly Manifest[], context: PolicyContext) => string[];

/** Set by the Node.js runtime, not the app: the only variable besides the app's own a Deployment may set. */
const RUNTIME_VARIABLES = new Set(['NODE_OPTIONS']);

// Structural views of the kinds the policies read; the schema checks hold them to the real schemas.
type Labels = Record<string, string>;
interface EnvEntry {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string }; configMapKeyRef?: { name: string; key: string } };
}
interface Probe {
  httpGet?: { path?: string; port?: string | number };
}
interface NetworkPort {
  protocol?: string;
  port?: number | string;
}
interface Container {
  name: string;
  image?: string;
  command?: string[];
  volumeMounts?: { name: string; mountPath: string }[];
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
    replicas?: number;
    strategy?: { type?: string; rollingUpdate?: { maxSurge?: number | string } };
    template: {
      metadata: { labels?: Labels };
      spec: {
        securityContext?: { runAsNonRoot?: boolean };
        terminationGracePeriodSeconds?: number;
        initContainers?: Container[];
        containers: Container[];
        volumes?: { name: string; secret?: unknown; persistentVolumeClaim?: unknown }[];
      };
    };
  };
}
interface NetworkPeer {
  podSelector?: { matchLabels?: Labels };
  namespaceSelector?: { matchLabels?: Labels };
  ipBlock?: { cidr: string; except?: string[] };
}
interface NetworkPolicy extends Manifest {
  spec: {
    podSelector: { matchLabels?: Labels };
    policyTypes?: string[];
    ingress?: { from?: NetworkPeer[]; ports?: NetworkPort[] }[];
    egress?: { to?: NetworkPeer[]; ports?: NetworkPort[] }[];
  };
}
interface Acl {
  type?: 'allow' | 'deny';
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
    const fromConfigMap = entry.valueFrom?.configMapKeyRef;
    const value = fromConfigMap
      ? of<Manifest & { data?: Record<string, string> }>(manifests, 'ConfigMap').find(
          (c) => c.metadata.name === fromConfigMap.name,
        )?.data?.[fromConfigMap.key]
      : entry.value;
    if (fromConfigMap && value === undefined)
      problems.push(
        `${where}: ${entry.name} reads ${fromConfigMap.name} key ${fromConfigMap.key}, which is not rendered`,
      );
    env.set(entry.name, { value, secret: entry.valueFrom?.secretKeyRef });
  }
  return env;
}

/** The environment of a Deployment's app container (the one named after it, else the first). */
function appEnvironment(d: Deployment, manifests: readonly Manifest[]): ResolvedEnv {
  const containers = d.spec.template.spec.containers;
  const main = containers.find((c) => c.name === d.metadata.name) ?? containers[0];
  return environmentOf(main, manifests, [], refOf(d));
}

/** `node apps/<app>/dist/main.js migrate`: it reads only platform-db's `migrateCommandEnv`. */
const isMigrateContainer = (c: Container) => c.command?.at(-1) === 'migrate';

/** A remote PowerMatcher concentrator keeps no database and uses no Kafka (the auctioneer README). */
const isRemoteConcentrator = (env: ResolvedEnv) => env.get('PM_ROLE')?.value === 'concentrator';

/** Probes, resources, securityContext, shutdown timing and image tags of every Deployment. */
export const workloads: Policy = (manifests, { serviceEnv }) => {
  const problems: string[] = [];
  const defaultMs = (variable: string) =>
    Number(Object.values(serviceEnv).find((v) => v.variable === variable)?.default ?? 0);
  for (const d of deploymentsOf(manifests)) {
    const ref = refOf(d);
    const env = appEnvironment(d, manifests);
    const ms = (variable: string) => Number(env.get(variable)?.value ?? defaultMs(variable));
    // The app's own drain after SIGTERM: its delay, then up to its shutdown timeout (platform-service).
    const drainSeconds = (ms('SHUTDOWN_DELAY_MS') + ms('SHUTDOWN_TIMEOUT_MS')) / 1000;
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
      const ports = c.ports ?? [];
      for (const [kind, probe] of Object.entries({
        readiness: c.readinessProbe,
        liveness: c.livenessProbe,
        startup: c.startupProbe,
      })) {
        const port = probe?.httpGet?.port;
        if (port !== undefined && !ports.some((p) => p.name === port || p.containerPort === port))
          problems.push(`${where}: the ${kind} probe's port ${port} is no port of the container`);
      }
      const preStop = c.lifecycle?.preStop;
      if (!preStop?.sleep || preStop.sleep.seconds <= 0) problems.push(`${where}: no preStop delay`);
      preStopSeconds = Math.max(preStopSeconds, preStop?.sleep?.seconds ?? 0);
    }
    const grace = pod.terminationGracePeriodSeconds ?? 30;
    if (grace <= drainSeconds + preStopSeconds)
      problems.push(
        `${ref}: terminationGracePeriodSeconds ${grace} leaves no margin over the preStop delay (${preStopSeconds} s) and the ${drainSeconds} s drain`,
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

/** Link-local, where cloud metadata services (and their credentials) answer: no app may reach it. */
const LINK_LOCAL = '169.254.0.0/16';

/** The egress each app's NetworkPolicy opens: DNS always, Kafka and its database when it uses them. */
export const egress: Policy = (manifests) => {
  const problems: string[] = [];
  const kafkaCluster = kafkaOf(manifests);
  const kafka = kafkaCluster?.metadata.name;
  const listener = scramListenerOf(kafkaCluster);
  // Strimzi names a listener's container port `tcp-<listener>`; a policy may open it by number or name.
  const kafkaPorts = listener ? [listener.port, `tcp-${listener.name}`] : [];
  for (const d of deploymentsOf(manifests)) {
    const ref = refOf(d);
    const env = appEnvironment(d, manifests);
    const rules = of<NetworkPolicy>(manifests, 'NetworkPolicy')
      .filter((p) => selects(p.spec.podSelector.matchLabels, podLabels(d)))
      .flatMap((p) => p.spec.egress ?? []);
    const opens = (peer: (p: NetworkPeer) => boolean, ...ports: (number | string)[]) =>
      rules.some((r) => (r.to ?? []).some(peer) && (r.ports ?? []).some((p) => ports.includes(p.port ?? '')));
    for (const peer of rules.flatMap((r) => r.to ?? []))
      if (peer.ipBlock?.cidr === '0.0.0.0/0' && !peer.ipBlock.except?.includes(LINK_LOCAL))
        problems.push(`${ref}: its NetworkPolicy opens 0.0.0.0/0 without excepting ${LINK_LOCAL} (cloud metadata)`);
    // Without the namespace selector a pod selector means this namespace, where no DNS runs.
    const dns = (p: NetworkPeer) =>
      p.podSelector?.matchLabels?.['k8s-app'] === 'kube-dns' &&
      p.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === 'kube-system';
    if (!opens(dns, 53)) problems.push(`${ref}: its NetworkPolicy does not open DNS in kube-system`);
    if (
      env.has('KAFKA_BROKERS') &&
      !opens((p) => p.podSelector?.matchLabels?.['strimzi.io/cluster'] === kafka, ...kafkaPorts)
    )
      problems.push(`${ref}: its NetworkPolicy does not open the Kafka brokers' TLS listener`);
    if (
      env.has('DATABASE_URL') &&
      !opens((p) => p.podSelector?.matchLabels?.['cnpg.io/cluster'] === `${d.metadata.name}-db`, 5432, 'postgresql')
    )
      problems.push(`${ref}: its NetworkPolicy does not open its PostgreSQL cluster`);
  }
  return problems;
};

type ServiceManifest = Manifest & {
  spec: { selector?: Labels; ports?: { name?: string; port: number; targetPort?: string | number }[] };
};

/**
 * What reaches each app: its NetworkPolicies open only ports its Service serves (by container port name or
 * number), and the port its ServiceMonitor scrapes from the `monitoring` namespace.
 */
export const networkIngress: Policy = (manifests) => {
  const problems: string[] = [];
  for (const d of deploymentsOf(manifests)) {
    const ref = refOf(d);
    const labels = podLabels(d);
    const containerPorts = d.spec.template.spec.containers.flatMap((c) => c.ports ?? []);
    const resolve = (port: string | number | undefined) =>
      containerPorts.find((p) => p.name === port || p.containerPort === port);
    const services = of<ServiceManifest>(manifests, 'Service').filter((s) => selects(s.spec.selector, labels));
    const served = new Set(
      services.flatMap((s) => (s.spec.ports ?? []).map((p) => resolve(p.targetPort ?? p.port)?.containerPort)),
    );
    const rules = of<NetworkPolicy>(manifests, 'NetworkPolicy')
      .filter((p) => selects(p.spec.podSelector.matchLabels, labels))
      .flatMap((p) => p.spec.ingress ?? []);
    for (const rule of rules)
      for (const { port } of rule.ports ?? [])
        if (!served.has(resolve(port)?.containerPort))
          problems.push(`${ref}: its NetworkPolicy lets in port ${String(port)}, which its Service does not serve`);
    type Monitor = Manifest & { spec: { selector?: { matchLabels?: Labels }; endpoints?: { port?: string }[] } };
    for (const monitor of of<Monitor>(manifests, 'ServiceMonitor')) {
      const service = services.find((s) =>
        selects(monitor.spec.selector?.matchLabels, (s.metadata as { labels?: Labels }).labels ?? {}),
      );
      for (const endpoint of service ? (monitor.spec.endpoints ?? []) : []) {
        const servicePort = service?.spec.ports?.find((p) => p.name === endpoint.port);
        const target = resolve(servicePort?.targetPort ?? servicePort?.port)?.containerPort;
        const fromMonitoring = rules.some(
          (r) =>
            (r.from ?? []).some(
              (peer) => peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === 'monitoring',
            ) && (r.ports ?? []).some((p) => resolve(p.port)?.containerPort === target),
        );
        if (!fromMonitoring)
          problems.push(
            `${ref}: ${refOf(monitor)} scrapes port ${String(endpoint.port)}, which the monitoring namespace cannot reach`,
          );
      }
    }
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
  of<Hpa>(manifests, 'HorizontalPodAutoscaler').flatMap((hpa) => {
    const target = deploymentsOf(manifests).find(
      (d) => hpa.spec.scaleTargetRef.kind === 'Deployment' && d.metadata.name === hpa.spec.scaleTargetRef.name,
    );
    if (!target) return [`${refOf(hpa)}: scales ${hpa.spec.scaleTargetRef.name}, which no Deployment is`];
    // The catalog names apps as their pods' app label does.
    const app = podLabels(target)['app.kubernetes.io/name'] ?? target.metadata.name;
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

interface Hpa extends Manifest {
  spec: { scaleTargetRef: { kind: string; name: string }; minReplicas?: number; maxReplicas: number };
}
const hpaOf = (manifests: readonly Manifest[], d: Deployment) =>
  of<Hpa>(manifests, 'HorizontalPodAutoscaler').find(
    (h) => h.spec.scaleTargetRef.kind === 'Deployment' && h.spec.scaleTargetRef.name === d.metadata.name,
  );

/**
 * The apps whose sessions live in one process (the S2 analyzer's pairing, dial mode and live feed; the
 * PowerMatcher cluster and a concentrator's session with its parent): a second replica would split them.
 */
const IN_MEMORY_SESSION_APPS = new Set(['s2-analyzer', 'powermatcher-auctioneer']);
const appOfDeployment = (d: Deployment) => {
  const containers = d.spec.template.spec.containers;
  return appOfImage((containers.find((c) => c.name === d.metadata.name) ?? containers[0]).image);
};

/**
 * Replica counts: an app that keeps sessions in memory runs one replica (HPA maxReplicas 1, Recreate so a
 * rollout never runs two); a Deployment an HPA scales sets no replicas (or its HPA's minimum), so an apply
 * does not reset what the HPA chose.
 */
export const replicas: Policy = (manifests) => {
  const problems: string[] = [];
  for (const d of deploymentsOf(manifests)) {
    const ref = refOf(d);
    const hpa = hpaOf(manifests, d);
    if (IN_MEMORY_SESSION_APPS.has(appOfDeployment(d))) {
      if (hpa && hpa.spec.maxReplicas !== 1)
        problems.push(`${ref}: keeps sessions in memory, but its HPA allows ${hpa.spec.maxReplicas} replicas`);
      if (d.spec.replicas !== undefined && d.spec.replicas > 1)
        problems.push(`${ref}: keeps sessions in memory, but runs ${d.spec.replicas} replicas`);
      if (d.spec.strategy?.type !== 'Recreate')
        problems.push(`${ref}: keeps sessions in memory, but its rollouts do not Recreate`);
    }
    if (hpa && d.spec.replicas !== undefined && d.spec.replicas !== (hpa.spec.minReplicas ?? 1))
      problems.push(
        `${ref}: sets ${d.spec.replicas} replicas while ${refOf(hpa)} manages them (minReplicas ${hpa.spec.minReplicas ?? 1})`,
      );
  }
  return problems;
};

/** PostgreSQL's default max_connections, where a Cluster does not set it. */
const POSTGRES_MAX_CONNECTIONS = 100;
/** Connections beside the apps': superuser_reserved_connections (3), CNPG's own and its standbys' replication. */
const POSTGRES_RESERVED_CONNECTIONS = 10;

/**
 * Each app's database takes its pods' connections at the HPA's maximum plus a rollout's surge: per pod its
 * pool (DATABASE_POOL_SIZE or its default), a LISTEN connection and the migrate init container's.
 */
export const databaseConnections: Policy = (manifests, { appEnv, defaultPoolSize }) => {
  const problems: string[] = [];
  type Cluster = Manifest & { spec: { postgresql?: { parameters?: Record<string, string> } } };
  for (const d of deploymentsOf(manifests)) {
    const env = appEnvironment(d, manifests);
    const cluster = of<Cluster>(manifests, 'Cluster').find((c) => c.metadata.name === `${d.metadata.name}-db`);
    if (!env.has('DATABASE_URL') || !cluster) continue;
    const poolVariable = Object.values(appEnv[appOfDeployment(d)] ?? {}).find(
      (v) => v.variable === 'DATABASE_POOL_SIZE',
    );
    const set = poolVariable && env.get('DATABASE_POOL_SIZE')?.value;
    const pool = Number(set ?? poolVariable?.default ?? defaultPoolSize);
    const surge = d.spec.strategy?.type === 'Recreate' ? 0 : Number(d.spec.strategy?.rollingUpdate?.maxSurge ?? 1) || 1;
    const pods = (hpaOf(manifests, d)?.spec.maxReplicas ?? d.spec.replicas ?? 1) + surge;
    const needed = (pool + 2) * pods + POSTGRES_RESERVED_CONNECTIONS;
    const max = Number(cluster.spec.postgresql?.parameters?.max_connections ?? POSTGRES_MAX_CONNECTIONS);
    if (needed > max)
      problems.push(
        `${refOf(d)}: ${pods} pods × (pool ${pool} + LISTEN + migrate) + ${POSTGRES_RESERVED_CONNECTIONS} reserved = ${needed} connections, above ${refOf(cluster)}'s max_connections ${max}`,
      );
  }
  return problems;
};

type KafkaManifest = Manifest & {
  spec: {
    kafka: { listeners: { name: string; port: number; tls?: boolean; authentication?: { type: string } }[] };
  };
};
const kafkaOf = (manifests: readonly Manifest[]) => of<KafkaManifest>(manifests, 'Kafka')[0];
/** The listener the apps use: TLS with SCRAM-SHA-512. */
const scramListenerOf = (kafka: KafkaManifest | undefined) =>
  kafka?.spec.kafka.listeners.find((l) => l.tls && l.authentication?.type === 'scram-sha-512');

/** Every app reaches Kafka as its KafkaUser and PostgreSQL through its CNPG cluster's app secret. */
export const backends: Policy = (manifests) => {
  const problems: string[] = [];
  const kafka = kafkaOf(manifests);
  const listener = scramListenerOf(kafka);
  const bootstrap = kafka && listener ? `${kafka.metadata.name}-kafka-bootstrap:${listener.port}` : undefined;
  const names = (kind: string) => new Set(of(manifests, kind).map((m) => m.metadata.name));
  const users = names('KafkaUser');
  const clusters = names('Cluster');
  for (const d of deploymentsOf(manifests)) {
    const ref = refOf(d);
    const name = d.metadata.name;
    const env = appEnvironment(d, manifests);
    // A Deployment named after its image is that app, with its Kafka user and database; another Deployment
    // of the auctioneer's image is a remote concentrator, which uses neither (the auctioneer README).
    if (name !== appOfDeployment(d)) {
      if (appOfDeployment(d) !== 'powermatcher-auctioneer' || !isRemoteConcentrator(env))
        problems.push(`${ref}: runs image ${appOfDeployment(d)} under another name, and is no remote concentrator`);
      for (const variable of ['KAFKA_BROKERS', 'DATABASE_URL'])
        if (env.has(variable)) problems.push(`${ref}: a remote concentrator, but ${variable} is set`);
      continue;
    }
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
 * describe any catalog topic; its groups are its own (`<app>.`, and its outboxes' checkpoint groups), its
 * transactional ids its outboxes' (see aclsOf). Nothing else: no Create, no All, no cluster rights.
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
    // An outbox is named `<app>` or `<app>.<id>`: a bare prefix `outbox.<app>` would also match another app's.
    const groups = new Set([
      ...(consumed.length > 0 ? [`prefix ${app}.`] : []),
      ...(relay ? [`literal outbox-checkpoint.${app}`, `prefix outbox-checkpoint.${app}.`] : []),
    ]);
    const transactional = new Set(relay ? [`literal outbox.${app}`, `prefix outbox.${app}.`] : []);
    const grantedGroups = new Set<string>();
    const grantedTransactional = new Set<string>();
    for (const acl of user.spec.authorization?.acls ?? []) {
      const { type, name = '', patternType = 'literal' } = acl.resource;
      // A deny grants nothing: what it names counts as missing.
      if (acl.type === 'deny') continue;
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
        if (ops.every((op) => acl.operations.includes(op)))
          (type === 'group' ? grantedGroups : grantedTransactional).add(`${patternType} ${name}`);
      } else {
        problems.push(`${ref}: ACL on ${what}: ${app} needs no ${type} rights`);
      }
    }
    for (const group of groups) if (!grantedGroups.has(group)) problems.push(`${ref}: cannot use group ${group}`);
    for (const id of transactional)
      if (!grantedTransactional.has(id)) problems.push(`${ref}: cannot use transactionalId ${id}`);
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
export const environment: Policy = (manifests, { appEnv, migrateEnv, crossChecks }) => {
  const problems: string[] = [];
  for (const d of deploymentsOf(manifests)) {
    for (const c of allContainers(d)) {
      const where = `${refOf(d)} container ${c.name}`;
      const migrates = isMigrateContainer(c);
      const app = migrates ? `${appOfImage(c.image)} migrate` : appOfImage(c.image);
      const schema = migrates ? migrateEnv : appEnv[app];
      if (migrates) {
        const secretVolumes = new Set(
          (d.spec.template.spec.volumes ?? []).filter((v) => v.secret !== undefined).map((v) => v.name),
        );
        for (const mount of c.volumeMounts ?? [])
          if (secretVolumes.has(mount.name))
            problems.push(`${where}: mounts Secret volume ${mount.name}, which ${app} does not read`);
      }
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
      const literal = Object.fromEntries(
        [...env].flatMap(([name, { value }]) => (value === undefined ? [] : [[name, value]])),
      );
      const fromSecrets = new Set([...env].flatMap(([name, { secret }]) => (secret ? [name] : [])));
      if (!migrates)
        for (const problem of crossChecks[app]?.(literal, fromSecrets) ?? []) problems.push(`${where}: ${problem}`);
      // A file the app reads is on a volume: the root filesystem is the image's, read-only, and holds none.
      const mounts = (c.volumeMounts ?? []).map((m) => m.mountPath.replace(/\/?$/, '/'));
      for (const [name, value] of Object.entries(literal))
        for (const path of value.split(',').filter((v) => v.startsWith('/')))
          if (!mounts.some((mount) => `${path}/`.startsWith(mount)))
            problems.push(`${where}: ${name} names ${path}, which is on no mounted volume`);
      const nodeOptions = env.get('NODE_OPTIONS')?.value;
      // A ConfigMap value replaces the image's NODE_OPTIONS, source maps included.
      if (nodeOptions !== undefined && !nodeOptions.split(/\s+/).includes('--enable-source-maps'))
        problems.push(`${where}: NODE_OPTIONS drops the image's --enable-source-maps`);
      const heap = /--max-old-space-size=(\d+)/.exec(nodeOptions ?? '')?.[1];
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

/** The apps' own endpoints (platform-service): for the kubelet and Prometheus, never routed from outside. */
const INTERNAL_PATHS = ['/metrics', '/livez', '/readyz'];

interface Ingress extends Manifest {
  metadata: Manifest['metadata'] & { annotations?: Record<string, string> };
  spec: {
    rules?: {
      host?: string;
      http?: {
        paths: {
          path?: string;
          pathType?: string;
          backend: { service?: { name: string; port: { name?: string; number?: number } } };
        }[];
      };
    }[];
  };
}

/**
 * Every Ingress path reaches a port of a rendered Service, and VEN traffic keeps its client certificate: the
 * VTN's OpenADR port is reached through TLS passthrough, or through a terminating proxy whose certificate
 * header the VTN reads from trusted proxies only (OpenADR SPEC §10 SEC-7).
 */
export const ingresses: Policy = (manifests, { appEnv }) => {
  const problems: string[] = [];
  type Service = Manifest & {
    spec: { selector?: Labels; ports?: { name?: string; port: number; targetPort?: string | number }[] };
  };
  const services = of<Service>(manifests, 'Service');
  for (const ingress of of<Ingress>(manifests, 'Ingress')) {
    const passthrough = ingress.metadata.annotations?.['nginx.ingress.kubernetes.io/ssl-passthrough'] === 'true';
    for (const rule of ingress.spec.rules ?? []) {
      for (const { backend, path = '/', pathType } of rule.http?.paths ?? []) {
        // A passed-through TLS stream has no paths to route; any other path is public, so never an internal one.
        const internal = INTERNAL_PATHS.find((p) =>
          pathType === 'Exact' ? path === p : p === path || p.startsWith(path.endsWith('/') ? path : `${path}/`),
        );
        if (!passthrough && internal)
          problems.push(`${refOf(ingress)}: ${rule.host ?? '*'} path ${path} exposes ${internal} publicly`);
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
        // The VTN is the app whose configuration has an OpenADR port, whether or not the overlay sets it.
        const oadrPort = (d: Deployment) =>
          Object.values(appEnv[appOfDeployment(d)] ?? {}).find((v) => v.variable === 'OADR_PORT');
        const vtn = deploymentsOf(manifests).find(
          (d) => selects(service.spec.selector, podLabels(d)) && oadrPort(d) !== undefined,
        );
        if (!vtn) continue;
        const env = appEnvironment(vtn, manifests);
        const listening = env.get('OADR_PORT')?.value ?? String(oadrPort(vtn)?.default);
        const openadrPort = vtn.spec.template.spec.containers
          .flatMap((c) => c.ports ?? [])
          .find((p) => String(p.containerPort) === listening || p.name === 'openadr');
        if (port.targetPort !== openadrPort?.name && port.targetPort !== openadrPort?.containerPort) continue;
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
  networkIngress,
  topics,
  hpaPartitions,
  replicas,
  databaseConnections,
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
