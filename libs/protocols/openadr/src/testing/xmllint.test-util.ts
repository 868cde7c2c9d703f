/**
 * xmllint (libxml2 compiled to WebAssembly) as the reference validator in tests. Starting it and compiling
 * the schema set costs a few hundred milliseconds, so documents are validated in batches, one run each.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateXML } from 'xmllint-wasm';
import { decodeXml } from '../xml/decode';

const SCHEMA_DIR = join(__dirname, '../../schema');
const ENTRY = 'oadr_20b.xsd';

/** The schema set as texts, keyed by file name. */
export function schemaTexts(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const name of readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.xsd'))) files[name] = decodeXml(readFileSync(join(SCHEMA_DIR, name)));
  return files;
}

export interface XmllintVerdict {
  readonly valid: boolean;
  /** xmllint's messages for this document. */
  readonly errors: string;
}

const BATCH_BYTES = 4_000_000;

/** Validates documents against oadr_20b.xsd (or another schema given as text), a few xmllint runs for all. */
export async function xmllintValidate(documents: readonly string[], schema?: string): Promise<XmllintVerdict[]> {
  const verdicts: XmllintVerdict[] = [];
  let batch: string[] = [];
  let bytes = 0;
  for (const doc of documents) {
    if (batch.length > 0 && bytes + doc.length > BATCH_BYTES) {
      verdicts.push(...(await xmllintRun(batch, schema)));
      batch = [];
      bytes = 0;
    }
    batch.push(doc);
    bytes += doc.length;
  }
  verdicts.push(...(await xmllintRun(batch, schema)));
  return verdicts;
}

async function xmllintRun(documents: readonly string[], schema: string | undefined): Promise<XmllintVerdict[]> {
  if (documents.length === 0) return [];
  const preload = readdirSync(SCHEMA_DIR)
    .filter((f) => f.endsWith('.xsd') && f !== ENTRY)
    .map((f) => ({ fileName: f, contents: readFileSync(join(SCHEMA_DIR, f)) }));
  const result = await validateXML({
    xml: documents.map((contents, i) => ({ fileName: `doc${i}.xml`, contents })),
    schema: schema === undefined ? { fileName: ENTRY, contents: readFileSync(join(SCHEMA_DIR, ENTRY)) } : { fileName: 'test.xsd', contents: schema },
    preload,
    initialMemoryPages: 2048,
    maxMemoryPages: 16384,
  });
  const lines = result.rawOutput.split('\n');
  return documents.map((_, i) => {
    const name = `doc${i}.xml`;
    return { valid: lines.includes(`${name} validates`), errors: lines.filter((l) => l.startsWith(`${name}:`)).join('\n') };
  });
}
