/**
 * xmllint (libxml2 compiled to WebAssembly) as the reference validator in tests. Starting it and compiling
 * the schema set costs a few hundred milliseconds, so documents are validated in batches, one run each.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateXML } from 'xmllint-wasm';
import { OADR_SCHEMA_ENTRY as ENTRY } from '../xsd/schema-files';
import { SCHEMA_DIR, schemaFileNames } from './schema-dir.test-util';

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
  const preload = schemaFileNames()
    .filter((f) => f !== ENTRY)
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
