/** The OpenADR 2.0b schema set in `schema/`, as the tests and the model generator read it. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeXml } from '../xml/decode';

export const SCHEMA_DIR = join(__dirname, '../../schema');

/** The names of the .xsd files of the set. */
export function schemaFileNames(): string[] {
  return readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.xsd'));
}

/** The schema set as texts, keyed by file name. */
export function schemaTexts(): Record<string, string> {
  return Object.fromEntries(schemaFileNames().map((name) => [name, decodeXml(readFileSync(join(SCHEMA_DIR, name)))]));
}
