import { XmlReadError } from '../errors';
import { readXml, type XmlReadLimits } from '../reader';
import { compileSchema } from './compile';
import { SchemaValidator } from './validator';
import { xmllintValidateAgainst } from './xmllint.test-util';

/** A schema of none of this lib's users: the constructs the validator implements, on their own. */
const SCHEMA = `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:t="urn:t" targetNamespace="urn:t" elementFormDefault="qualified">
  <xs:simpleType name="Colour">
    <xs:restriction base="xs:token"><xs:enumeration value="red"/><xs:enumeration value="green"/></xs:restriction>
  </xs:simpleType>
  <xs:simpleType name="Code">
    <xs:restriction base="xs:string"><xs:pattern value="[A-Z]{2}\\d"/><xs:maxLength value="3"/></xs:restriction>
  </xs:simpleType>
  <xs:complexType name="Part">
    <xs:sequence><xs:element name="code" type="t:Code"/></xs:sequence>
    <xs:attribute name="id" type="xs:ID" use="required"/>
  </xs:complexType>
  <xs:complexType name="PaintedPart">
    <xs:complexContent>
      <xs:extension base="t:Part"><xs:sequence><xs:element name="colour" type="t:Colour"/></xs:sequence></xs:extension>
    </xs:complexContent>
  </xs:complexType>
  <xs:element name="item" abstract="true" type="t:Part"/>
  <xs:element name="part" substitutionGroup="t:item" type="t:Part"/>
  <xs:element name="painted" substitutionGroup="t:item" type="t:PaintedPart"/>
  <xs:element name="order">
    <xs:complexType>
      <xs:sequence>
        <xs:element ref="t:item" maxOccurs="2"/>
        <xs:element name="quantity" type="xs:unsignedByte" nillable="true"/>
        <xs:choice minOccurs="0"><xs:element name="rush" type="xs:boolean"/><xs:element name="by" type="xs:dateTime"/></xs:choice>
        <xs:any namespace="##other" processContents="lax" minOccurs="0"/>
      </xs:sequence>
      <xs:attribute name="version" type="xs:string" fixed="1" use="required"/>
    </xs:complexType>
  </xs:element>
</xs:schema>`;

const LIMITS: XmlReadLimits = { maxDepth: 16, maxElements: 100, maxTextBytes: 100, maxCommentBytes: 0 };

const XSI = 'xmlns:t="urn:t" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';
const order = (items: string, rest = '<quantity>3</quantity>', attributes = 'version="1"'): string =>
  `<order xmlns="urn:t" ${XSI} ${attributes}>${items}${rest}</order>`;
const part = (id: string, code = 'AB1'): string => `<part id="${id}"><code>${code}</code></part>`;

const DOCUMENTS: readonly string[] = [
  order(part('p1')),
  order(part('p1') + '<painted id="p2"><code>CD2</code><colour> red </colour></painted>'),
  order(part('p1') + part('p2') + part('p3')),
  order(part('p1') + part('p1')),
  order(part('p1', 'ab1')),
  order(part('p1', 'AB12')),
  order('<item id="p1"><code>AB1</code></item>'),
  order(`<part id="p1" xsi:type="t:PaintedPart"><code>AB1</code><colour>green</colour></part>`),
  order(`<painted id="p1" xsi:type="t:Part"><code>AB1</code></painted>`),
  order('<painted id="p1"><code>AB1</code><colour>blue</colour></painted>'),
  order(part('p1'), '<quantity xsi:nil="true"/>'),
  order(part('p1'), '<quantity xsi:nil="true">1</quantity>'),
  order(part('p1'), '<quantity>256</quantity>'),
  order(part('p1'), '<quantity>3</quantity><rush>1</rush>'),
  order(part('p1'), '<quantity>3</quantity><rush>1</rush><by>2026-01-01T00:00:00Z</by>'),
  order(part('p1'), '<quantity>3</quantity><by>2026-01-01T00:00:00Z</by><x:note xmlns:x="urn:x">any<y/></x:note>'),
  order(part('p1'), '<quantity>3</quantity><note>same namespace</note>'),
  order(part('p1'), '<quantity>3</quantity>', 'version="2"'),
  order(part('p1'), '<quantity>3</quantity>', ''),
  order(part('p1'), '<quantity>3</quantity>', 'version="1" extra="x"'),
  order(part('p1'), 'text<quantity>3</quantity>'),
];

describe('the validator accepts and refuses what libxml2 does', () => {
  const validator = new SchemaValidator(compileSchema({ 'order.xsd': SCHEMA }, 'order.xsd'));
  let verdicts: boolean[] = [];

  beforeAll(async () => {
    verdicts = (await xmllintValidateAgainst(SCHEMA, DOCUMENTS)).map((v) => v.valid);
  });

  const ours = (xml: string): boolean => {
    try {
      return validator.validate(readXml(xml, LIMITS).root) === undefined;
    } catch (error) {
      if (error instanceof XmlReadError) return false;
      throw error;
    }
  };

  it('substitution groups, xsi:type and xsi:nil, facets, IDs, choices, wildcards and attribute uses', () => {
    expect(DOCUMENTS.filter((xml, i) => ours(xml) !== verdicts[i])).toEqual([]);
    expect(verdicts.filter((valid) => valid).length).toBeGreaterThanOrEqual(5);
    expect(verdicts.filter((valid) => !valid).length).toBeGreaterThanOrEqual(10);
  });

  it("names the offending element in libxml2's words", () => {
    const root = readXml(order(part('p1'), '<quantity>256</quantity>'), LIMITS).root;
    expect(validator.validate(root)?.message).toBe(
      "Element '{urn:t}quantity': '256' is not a valid value of the atomic type '{http://www.w3.org/2001/XMLSchema}unsignedByte'.",
    );
  });
});
