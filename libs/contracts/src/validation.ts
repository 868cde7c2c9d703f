import Ajv, { type ValidateFunction } from 'ajv';
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
      return { ok: false, reason: `event type ${type} is not allowed on ${topic} (allowed: ${[...byType.keys()].join(', ')})` };
    }
    if (!validate(data)) {
      const e = validate.errors?.[0];
      return { ok: false, reason: `${type} data ${e?.instancePath || '/'} ${e?.message ?? 'is invalid'}` };
    }
    const definition = this.topics[topic];
    const keyField = definition.keyByEventType?.[type] ?? definition.key;
    const expectedKey = (data as Record<string, unknown>)[keyField];
    if (expectedKey !== undefined && key !== undefined && String(expectedKey) !== key) {
      return { ok: false, reason: `record key ${JSON.stringify(key)} differs from ${keyField} ${JSON.stringify(expectedKey)}` };
    }
    return { ok: true };
  }
}
