/**
 * The README's example, kept type-checked and run: the region below is the README's code block (with the
 * package name for './index'), and the test fails when the two differ.
 */
import { readmeExample } from '@flexgrid/testing';

// #region README
import { compileSchema, escapeText, positionOf, readXml, SchemaValidator, XmlReadError } from './index';

const METER_XSD = `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:meter" elementFormDefault="qualified">
  <xs:element name="reading">
    <xs:complexType>
      <xs:sequence>
        <xs:element name="meterId" type="xs:token"/>
        <xs:element name="energyWh" type="xs:unsignedInt" maxOccurs="unbounded"/>
      </xs:sequence>
    </xs:complexType>
  </xs:element>
</xs:schema>`;

// Compiling is for build time (a lib that may not read files commits the model as JSON); validating is cheap.
const meterSchema = new SchemaValidator(compileSchema({ 'meter.xsd': METER_XSD }, 'meter.xsd'));

export interface Reading {
  readonly meterId: string;
  readonly energyWh: number[];
}

/** A reading from untrusted text, or why it is refused ("line:column: …"). Never throws for bad input. */
export function readReading(text: string): Reading | string {
  try {
    const { root } = readXml(text, { maxDepth: 4, maxElements: 1_000, maxTextBytes: 256, maxCommentBytes: 256 });
    const violation = meterSchema.validate(root);
    if (violation) {
      const { line, column } = positionOf(text, violation.offset);
      return `${line}:${column}: ${violation.message}`;
    }
    const [meterId, ...energies] = root.children; // the schema guarantees the order and the lexical forms
    return { meterId: meterId.text.trim(), energyWh: energies.map((e) => Number(e.text.trim())) };
  } catch (error) {
    if (error instanceof XmlReadError) return error.message; // not well-formed, a DOCTYPE, or over a cap
    throw error;
  }
}

export function writeReading(reading: Reading): string {
  const energies = reading.energyWh.map((wh) => `<energyWh>${wh}</energyWh>`).join('');
  return `<reading xmlns="urn:meter"><meterId>${escapeText(reading.meterId)}</meterId>${energies}</reading>`;
}
// #endregion

describe('the README example', () => {
  it('is the code block of README.md', () => {
    const { documented, tested } = readmeExample(__filename, '@flexgrid/xml');
    expect(documented).toBe(tested);
  });

  it('a written reading reads back, whatever prefix the sender chose', () => {
    const reading = { meterId: 'flat <7> & co', energyWh: [900, 12] };
    expect(readReading(writeReading(reading))).toEqual(reading);
    const prefixed = '<m:reading xmlns:m="urn:meter"><m:meterId> M1 </m:meterId><m:energyWh>5</m:energyWh></m:reading>';
    expect(readReading(prefixed)).toEqual({ meterId: 'M1', energyWh: [5] });
  });

  it('what is not well-formed, has a DOCTYPE, passes a cap or breaks the schema is refused with line:column', () => {
    expect(readReading('<reading xmlns="urn:meter">')).toMatch(/^1:28: element 'reading' is not closed/);
    expect(readReading('<!DOCTYPE reading><reading/>')).toMatch(/^1:1: a document type declaration/);
    expect(readReading(writeReading({ meterId: 'x'.repeat(257), energyWh: [1] }))).toMatch(/exceeds 256 bytes/);
    expect(
      readReading('<reading xmlns="urn:meter">\n  <meterId>M1</meterId>\n  <energyWh>-5</energyWh>\n</reading>'),
    ).toBe(
      "3:3: Element '{urn:meter}energyWh': '-5' is not a valid value of the atomic type '{http://www.w3.org/2001/XMLSchema}unsignedInt'.",
    );
  });
});
