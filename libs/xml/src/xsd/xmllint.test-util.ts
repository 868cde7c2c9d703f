/** xmllint (libs/testing) against a schema a test writes itself, for the cases no schema folder holds. */
import { type XmllintVerdict, xmllintValidate } from '@flexgrid/testing';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function xmllintValidateAgainst(schema: string, documents: readonly string[]): Promise<XmllintVerdict[]> {
  const dir = mkdtempSync(join(tmpdir(), 'flexgrid-xsd-'));
  try {
    writeFileSync(join(dir, 'schema.xsd'), schema);
    return await xmllintValidate(documents, { dir, entry: 'schema.xsd' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
