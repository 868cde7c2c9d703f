import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { type Manifest } from './kafka-resources';

/**
 * Where each kind's schema comes from, with its version:
 * - built-in kinds: kubernetes-models 5.1.0 (the Kubernetes 1.36 OpenAPI);
 * - postgresql.cnpg.io/v1: @kubernetes-models/cloudnative-pg 2.0.0 (generated from CloudNativePG 1.29's Go API);
 * - monitoring.coreos.com/v1: @kubernetes-models/prometheus-operator 6.0.0;
 * - kafka.strimzi.io/v1: the Strimzi 1.2.0 CRDs, vendored in crds/strimzi-1.2.0 (generate.sh there).
 */
const STRIMZI_CRDS = join(__dirname, '../crds/strimzi-1.2.0');
const STRIMZI_GROUP = 'kafka.strimzi.io';

export const refOf = (m: Manifest): string => `${m.kind}/${m.metadata?.name ?? '(no name)'}`;

/** The kubernetes-models module and interface describing a kind, if a model package has it. */
export function modelOf(apiVersion: string, kind: string): { module: string; type: string } | undefined {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  if (!/^[A-Za-z0-9]+$/.test(kind) || !/^v\d+\w*$/.test(version ?? '')) return undefined;
  if (group === STRIMZI_GROUP) return undefined;
  const packages: Record<string, string> = {
    'postgresql.cnpg.io': '@kubernetes-models/cloudnative-pg/postgresql.cnpg.io',
    'monitoring.coreos.com': '@kubernetes-models/prometheus-operator/monitoring.coreos.com',
  };
  const module = packages[group]
    ? `${packages[group]}/${version}/${kind}`
    : `kubernetes-models/${group ? `${group}/` : ''}${version}/${kind}`;
  return { module, type: `I${kind}` };
}

type ModelClass = new (data: unknown) => { validate(): void };

/** Checks each object against its model's OpenAPI schema (types, required fields, enums, formats). */
export async function modelProblems(manifests: readonly Manifest[]): Promise<string[]> {
  const problems: string[] = [];
  for (const manifest of manifests) {
    if (manifest.apiVersion?.startsWith(`${STRIMZI_GROUP}/`)) continue;
    const model = modelOf(manifest.apiVersion ?? '', manifest.kind ?? '');
    let Model: ModelClass | undefined;
    try {
      Model = model ? ((await import(model.module)) as Record<string, ModelClass>)[manifest.kind] : undefined;
    } catch {
      Model = undefined;
    }
    if (!Model) {
      problems.push(`${refOf(manifest)}: no schema for ${manifest.apiVersion} ${manifest.kind}`);
      continue;
    }
    try {
      new Model(manifest).validate();
    } catch (error) {
      problems.push(`${refOf(manifest)}: ${(error as Error).message}`);
    }
  }
  return problems;
}

/**
 * The API server drops (or, with strict field validation, refuses) a field its schema does not declare, so a
 * misspelt field is silently lost. The models' validators let unknown fields through; TypeScript's
 * excess-property check against the models' interfaces does not, at every depth of an object literal.
 */
export function unknownFieldProblems(manifests: readonly Manifest[]): string[] {
  const checked = manifests
    .map((manifest) => ({ manifest, model: modelOf(manifest.apiVersion ?? '', manifest.kind ?? '') }))
    .filter((c): c is { manifest: Manifest; model: { module: string; type: string } } => c.model !== undefined);
  const lines: string[] = [];
  const owners: { from: number; ref: string }[] = [];
  checked.forEach(({ model }, i) => lines.push(`import type { ${model.type} as T${i} } from '${model.module}';`));
  checked.forEach(({ manifest }, i) => {
    owners.push({ from: lines.length, ref: refOf(manifest) });
    lines.push(...`export const o${i}: T${i} = ${JSON.stringify(manifest, null, 1)};`.split('\n'));
  });
  const file = join(__dirname, '__manifests__.mts');
  const text = lines.join('\n');
  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, version, ...rest) =>
    name === file ? ts.createSourceFile(name, text, version) : getSourceFile.call(host, name, version, ...rest);
  host.fileExists = (name) => name === file || fileExists.call(host, name);
  host.readFile = (name) => (name === file ? text : readFile.call(host, name));
  const program = ts.createProgram([file], options, host);
  const source = program.getSourceFile(file);
  return ts.getPreEmitDiagnostics(program, source).map((d) => {
    const line = source?.getLineAndCharacterOfPosition(d.start ?? 0).line ?? 0;
    const owner = [...owners].reverse().find((o) => o.from <= line);
    return `${owner?.ref ?? 'imports'}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
}

/**
 * A CRD schema leaves `additionalProperties` unset and the API server prunes what it does not declare; closing
 * every object that lists its properties (and does not preserve unknown fields) makes a typo an error here.
 */
function closeObjects(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(closeObjects);
  if (node === null || typeof node !== 'object') return;
  const schema = node as Record<string, unknown>;
  if (
    schema['type'] === 'object' &&
    schema['properties'] !== undefined &&
    schema['additionalProperties'] === undefined &&
    schema['x-kubernetes-preserve-unknown-fields'] !== true
  ) {
    schema['additionalProperties'] = false;
  }
  Object.values(schema).forEach(closeObjects);
}

const compiled = new Map<string, ValidateFunction | undefined>();
let ajv: Ajv | undefined;

function strimziValidator(kind: string): ValidateFunction | undefined {
  if (!compiled.has(kind)) {
    let schema: Record<string, unknown> | undefined;
    try {
      schema = (
        JSON.parse(readFileSync(join(STRIMZI_CRDS, `${kind}.schema.json`), 'utf8')) as {
          openAPIV3Schema: Record<string, unknown>;
        }
      ).openAPIV3Schema;
    } catch {
      schema = undefined;
    }
    if (schema) {
      closeObjects(schema);
      // The kubernetes extensions are annotations to ajv; their meaning (int-or-string, preserved fields) is
      // already in the schema's anyOf and in closeObjects.
      ajv ??= addFormats(new Ajv({ allErrors: true, strict: false, logger: false }));
      compiled.set(kind, ajv.compile(schema));
    } else {
      compiled.set(kind, undefined);
    }
  }
  return compiled.get(kind);
}

function describe(error: ErrorObject): string {
  const where = error.instancePath || '/';
  if (error.keyword === 'additionalProperties')
    return `${where}: unknown field ${String((error.params as { additionalProperty: string }).additionalProperty)}`;
  return `${where}: ${error.message ?? error.keyword}`;
}

/** Checks the Strimzi resources against the vendored CRD schemas, unknown fields included. */
export function strimziProblems(manifests: readonly Manifest[]): string[] {
  return manifests
    .filter((m) => m.apiVersion?.startsWith(`${STRIMZI_GROUP}/`))
    .flatMap((manifest) => {
      if (manifest.apiVersion !== `${STRIMZI_GROUP}/v1`)
        return [`${refOf(manifest)}: ${manifest.apiVersion} is not served by Strimzi 1.2.0 (v1 only)`];
      const validate = strimziValidator(manifest.kind);
      if (!validate) return [`${refOf(manifest)}: no Strimzi 1.2.0 CRD for ${manifest.kind}`];
      return validate(manifest) ? [] : (validate.errors ?? []).map((e) => `${refOf(manifest)}: ${describe(e)}`);
    });
}

/** Every schema check over a rendered overlay: model schemas, unknown fields, Strimzi CRDs. */
export async function schemaProblems(manifests: readonly Manifest[]): Promise<string[]> {
  return [...(await modelProblems(manifests)), ...unknownFieldProblems(manifests), ...strimziProblems(manifests)];
}
