import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { MessageType } from './catalog';
import { quote } from './finding';
import { childPointer } from './json-pointer';
import { messageSchemas, typeSchemas } from './schemas';

/*
 * S2-SCHEMA (RULES.md §4.1, §4.3): one compiled validator per `message_type`, dispatched on the type's
 * `const` instead of a `oneOf` union, whose errors would be unreadable.
 */

/** Why a message failed its schema: a summary of ajv's errors and the pointer of the first one (§3.3). */
export interface SchemaViolation {
  detail: string;
  path: string;
}

const MAX_ERRORS_SHOWN = 10;

type SchemaObject = Record<string, unknown>;

const SUBSCHEMA_MAPS = ['properties', 'patternProperties', '$defs', 'dependentSchemas'];
const SUBSCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];
const SUBSCHEMAS = ['items', 'additionalProperties', 'unevaluatedProperties', 'contains', 'not', 'if', 'then', 'else'];

function isSchemaObject(value: unknown): value is SchemaObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A copy of `schema` in which every subschema that constrains object members also says `"type": "object"`.
 * The vendored schemas never say it, so without this any non-object (`"values": [null]`) passes (§4.1, ours).
 */
function withObjectTypes(schema: unknown): unknown {
  if (!isSchemaObject(schema)) return schema;
  const copy: SchemaObject = { ...schema };
  if (!('type' in copy) && ('properties' in copy || 'required' in copy || 'additionalProperties' in copy)) {
    copy['type'] = 'object';
  }
  for (const key of SUBSCHEMA_MAPS) {
    const map = copy[key];
    if (isSchemaObject(map))
      copy[key] = Object.fromEntries(Object.entries(map).map(([name, sub]) => [name, withObjectTypes(sub)]));
  }
  for (const key of SUBSCHEMA_LISTS) {
    const list = copy[key];
    if (Array.isArray(list)) copy[key] = list.map(withObjectTypes);
  }
  for (const key of SUBSCHEMAS) if (key in copy) copy[key] = withObjectTypes(copy[key]);
  return copy;
}

let validators: ReadonlyMap<string, ValidateFunction> | undefined;

/**
 * Compiles the 76 schemas once per process (Ajv 2020, all errors, full date-time format) and maps each
 * message type to its validator. `verbose` keeps the failing value and schema on each error, for `detail`.
 */
export function compileMessageSchemas(): ReadonlyMap<string, ValidateFunction> {
  if (validators) return validators;
  const ajv = new Ajv2020({ allErrors: true, strict: false, verbose: true });
  addFormats(ajv);
  for (const schema of [...messageSchemas, ...typeSchemas]) ajv.addSchema(withObjectTypes(schema) as SchemaObject);
  const byType = new Map<string, ValidateFunction>();
  for (const schema of messageSchemas as ReadonlyArray<{
    $id: string;
    properties: { message_type: { const: string } };
  }>) {
    const validate = ajv.getSchema(schema.$id);
    if (!validate) throw new Error(`S2 schema ${schema.$id} did not compile`);
    byType.set(schema.properties.message_type.const, validate);
  }
  validators = byType;
  return byType;
}

/** Checks a JSON object against the schema of its `message_type` (§4.3): its type when it passes, else why not. */
export function checkMessageSchema(message: Readonly<SchemaObject>): MessageType | SchemaViolation {
  const type = message['message_type'];
  if (type === undefined) return { detail: 'message_type missing', path: '/message_type' };
  if (typeof type !== 'string')
    return { detail: `message_type must be a string, not ${quote(type)}`, path: '/message_type' };
  const validate = compileMessageSchemas().get(type);
  if (!validate) return { detail: `unknown message_type ${quote(type)}`, path: '/message_type' };
  if (validate(message)) return type as MessageType;
  const errors = validate.errors ?? [];
  const shown = errors.slice(0, MAX_ERRORS_SHOWN).map(describe);
  const more = errors.length > MAX_ERRORS_SHOWN ? `; and ${errors.length - MAX_ERRORS_SHOWN} more` : '';
  return { detail: shown.map((error) => error.text).join('; ') + more, path: shown[0]?.path ?? '' };
}

/** One ajv error as a pointer (§3.3: extended by the missing or additional property) and a readable phrase. */
function describe(error: ErrorObject): { path: string; text: string } {
  const at = error.instancePath;
  const where = at === '' ? '' : `${at}: `;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required': {
      const property = String(params['missingProperty']);
      return { path: childPointer(at, property), text: `${where}required property '${property}' missing` };
    }
    case 'additionalProperties': {
      const property = String(params['additionalProperty']);
      return { path: childPointer(at, property), text: `${where}additional property ${quote(property)}` };
    }
    case 'type':
      return { path: at, text: `${at} must be ${String(params['type'])}, not ${quote(error.data)}` };
    case 'enum': {
      const title = (error.parentSchema as SchemaObject | undefined)?.['title'];
      const allowed = typeof title === 'string' ? title : (params['allowedValues'] as unknown[]).join(', ');
      return { path: at, text: `${at} ${quote(error.data)} not in ${allowed}` };
    }
    case 'format':
      return { path: at, text: `${at} ${quote(error.data)} is not a ${String(params['format'])}` };
    case 'pattern':
      return { path: at, text: `${at} ${quote(error.data)} does not match ${String(params['pattern'])}` };
    default:
      return { path: at, text: `${at || 'message'} ${error.message ?? 'is invalid'}` };
  }
}
