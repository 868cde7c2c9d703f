/**
 * xmllint (libxml2 compiled to WebAssembly) as the reference XSD validator in tests, and the schema files it
 * reads. Pure libs keep their own validators; their tests check them against this one, which does the file
 * reading a pure lib may not do. Starting xmllint and compiling a schema set costs a few hundred
 * milliseconds, so documents are validated in batches, one run each.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateXML } from 'xmllint-wasm';

/** A set of .xsd files in one folder, and the one documents are validated against. */
export interface XsdSet {
  readonly dir: string;
  readonly entry: string;
}

export interface XmllintVerdict {
  readonly valid: boolean;
  /** xmllint's messages for this document. */
  readonly errors: string;
}

const BATCH_BYTES = 4_000_000;

/** Every .xsd file of the folder, as bytes: the encoding is each file's own declaration's business. */
export function readXsdFiles(dir: string): Record<string, Buffer> {
  return Object.fromEntries(
    readdirSync(dir)
      .filter((f) => f.endsWith('.xsd'))
      .map((f) => [f, readFileSync(join(dir, f))]),
  );
}

/** Validates documents against the set's entry schema, or against `schema` (given as text) instead. */
export async function xmllintValidate(
  documents: readonly string[],
  set: XsdSet,
  schema?: string,
): Promise<XmllintVerdict[]> {
  const files = readXsdFiles(set.dir);
  const verdicts: XmllintVerdict[] = [];
  let batch: string[] = [];
  let bytes = 0;
  for (const doc of documents) {
    if (batch.length > 0 && bytes + doc.length > BATCH_BYTES) {
      verdicts.push(...(await xmllintRun(batch, files, set.entry, schema)));
      batch = [];
      bytes = 0;
    }
    batch.push(doc);
    bytes += doc.length;
  }
  verdicts.push(...(await xmllintRun(batch, files, set.entry, schema)));
  return verdicts;
}

async function xmllintRun(
  documents: readonly string[],
  files: Record<string, Buffer>,
  entry: string,
  schema: string | undefined,
): Promise<XmllintVerdict[]> {
  if (documents.length === 0) return [];
  const entrySchema = files[entry];
  if (!entrySchema) throw new Error(`no schema ${entry} among ${Object.keys(files).join(', ')}`);
  const result = await validateXML({
    xml: documents.map((contents, i) => ({ fileName: `doc${i}.xml`, contents })),
    schema:
      schema === undefined ? { fileName: entry, contents: entrySchema } : { fileName: 'test.xsd', contents: schema },
    preload: Object.entries(files)
      .filter(([name]) => name !== entry)
      .map(([fileName, contents]) => ({ fileName, contents })),
    initialMemoryPages: 2048,
    maxMemoryPages: 16384,
  });
  const lines = result.rawOutput.split('\n');
  return documents.map((_, i) => {
    const name = `doc${i}.xml`;
    return {
      valid: lines.includes(`${name} validates`),
      errors: lines.filter((l) => l.startsWith(`${name}:`)).join('\n'),
    };
  });
}
