import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { Catalog } from './catalog';

export type ContractCheck = { ok: true } | { ok: false; reason: string };

/**
 * Validators for every (topic, event type) of a catalog, compiled once at construction: checking a record on
 * the hot path is then one function call.
 */
export class ContractValidator {
  private readonly validators = new Map<string, Map<string, ValidateFunction>>();

  constructor(readonly topics: Catalog) {
    // useDefaults off: validation must never rewrite the data it is asked about.
    const ajv = new Ajv({ allErrors: false, strict: true, useDefaults: false });
    addFormats(ajv);
    for (const topic of Object.values(topics)) {
      const byType = new Map<string, ValidateFunction>();
      for (const [type, schema] of Object.entries(topic.events)) byType.set(type, ajv.compile(schema));
      this.validators.set(topic.name, byType);
    }
  }

  /** Is `data` a valid event of `type` on `topic`, and is `key` its record key? */
  check(topic: string, type: string, key: string | undefined, data: unknown): ContractCheck {
    const byType = this.validators.get(topic);
    if (!byType) return { ok: false, reason: `topic ${topic} is not in the catalog` };
    const validate = byType.get(type);
    if (!validate) {
      const allowed = byType.size > 0 ? `allowed: ${[...byType.keys()].join(', ')}` : 'it carries no events';
      return { ok: false, reason: `event type ${type} is not allowed on ${topic} (${allowed})` };
    }
    if (!validate(data)) return { ok: false, reason: `${type} data ${describe(validate.errors ?? [])}` };
    const definition = this.topics[topic];
    const keyFields = definition.keyByEventType?.[type] ?? definition.key;
    const record = data as Record<string, unknown>;
    const keyField = (typeof keyFields === 'string' ? [keyFields] : keyFields).find((f) => record[f] !== undefined);
    const expectedKey = keyField === undefined ? undefined : record[keyField];
    if (expectedKey !== undefined && key !== undefined && String(expectedKey) !== key) {
      return {
        ok: false,
        reason: `record key ${JSON.stringify(key)} differs from ${keyField} ${JSON.stringify(expectedKey)}`,
      };
    }
    return { ok: true };
  }
}

/**
 * One readable sentence for the first failure: where (a JSON Pointer into the data) and what was expected.
 * ajv stops at the first failing keyword (allErrors off); for a failed oneOf/anyOf it also lists why each
 * branch failed, and it names an unexpected property instead of only saying that there is one.
 */
function describe(errors: readonly ErrorObject[]): string {
  const last = errors[errors.length - 1];
  if (last && (last.keyword === 'oneOf' || last.keyword === 'anyOf')) {
    const inner = errors.slice(0, -1);
    // Every branch refused the value for its type (e.g. null where an object belongs): that is the reason.
    if (inner.length > 0 && inner.every((e) => e.keyword === 'type' && e.instancePath === last.instancePath))
      return sentence(inner[0]);
    const branches = [...new Set(inner.map(sentence))];
    const passing = (last.params as { passingSchemas?: unknown }).passingSchemas;
    if (Array.isArray(passing)) return `${sentence(last)}, but matches ${passing.length}`;
    return `${sentence(last)}${branches.length > 0 ? `: ${branches.join(' or ')}` : ''}`;
  }
  return errors[0] ? sentence(errors[0]) : '/ is invalid';
}

function sentence(e: ErrorObject): string {
  const at = e.instancePath || '/';
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties':
      return `${e.instancePath}/${String(params['additionalProperty'])} is not an allowed property`;
    case 'enum':
      return `${at} must be one of ${(params['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `${at} must be ${JSON.stringify(params['allowedValue'])}`;
    default:
      return `${at} ${e.message ?? 'is invalid'}`;
  }
}
