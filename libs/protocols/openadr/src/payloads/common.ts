/**
 * What the payload families share: enumerations, eiResponse, xcal:properties, qualified event IDs, targets,
 * the emix:itemBase members and the intervals of signals and reports, each with its reader and its writer.
 */
import { escapeAttribute, readXml, serializeElement, XmlReadError, type XmlElement } from '@flexgrid/xml';
import { ATOM_NS, EI_NS, EMIX_NS, GB_NS, GML_NS, OADR_NS, POWER_NS, PYLD_NS, SCALE_NS, XCAL_NS } from '../namespaces';
import { OadrDataError } from '../errors';
import {
  type DecimalText,
  type Duration,
  formatDateTime,
  formatDecimal,
  formatDuration,
  type Instant,
  parseBoolean,
  parseDateTime,
  parseDecimalText,
  parseDuration,
  parseUnsignedInt,
} from '../values';
import { OADR_XML_LIMITS } from '../xml-limits';
import {
  bool,
  collapsed,
  each,
  extensible,
  leaf,
  list,
  node,
  optLeaf,
  optText,
  responseCode,
  Sequence,
  text,
  token,
  trimmed,
  unsignedInt,
} from './elements';

export type OptType = 'optIn' | 'optOut';

export type SiScaleCode = 'p' | 'n' | 'micro' | 'm' | 'c' | 'd' | 'none' | 'k' | 'M' | 'G' | 'T';

/** The EiExtensionTokenType pattern `x-\S.*` many enumerations admit. */
export type Extension = `x-${string}`;

export type DataQuality =
  | 'No Quality - No Value'
  | 'No New Value - Previous Value Used'
  | 'Quality Bad - Non Specific'
  | 'Quality Bad - Configuration Error'
  | 'Quality Bad - Not Connected'
  | 'Quality Bad - Device Failure'
  | 'Quality Bad - Sensor Failure'
  | 'Quality Bad - Last Known Value'
  | 'Quality Bad - Comm Failure'
  | 'Quality Bad - Out of Service'
  | 'Quality Uncertain - Non Specific'
  | 'Quality Uncertain - Last Usable Value'
  | 'Quality Uncertain - Sensor Not Accurate'
  | 'Quality Uncertain - EU Units Exceeded'
  | 'Quality Uncertain - Sub Normal'
  | 'Quality Good - Non Specific'
  | 'Quality Good - Local Override'
  | 'Quality Limit - Field/Not'
  | 'Quality Limit - Field/Low'
  | 'Quality Limit - Field/High'
  | 'Quality Limit - Field/Constant'
  | Extension;

export interface EiResponse {
  /** Three digits (TR-5). */
  responseCode: string;
  responseDescription?: string;
  requestID: string;
}

/** xcal:properties: the period of an event, an availability or a report interval. */
export interface Properties {
  dtstart: Instant;
  duration: Duration;
  /** xcal:tolerance/xcal:tolerate; `{}` when the tolerance carries no startafter. */
  tolerance?: { startafter?: Duration };
  notification?: Duration;
  rampUp?: Duration;
  recovery?: Duration;
}

export interface QualifiedEventID {
  eventID: string;
  modificationNumber: number;
}

export interface TransportInterface {
  pointOfReceipt: string;
  pointOfDelivery: string;
}

/** gml:FeatureCollection as the schema profiles it: one polygon. */
export interface FeatureCollection {
  id?: string;
  location: { polygon: { id?: string; exterior: { linearRing: { posList: DecimalText[] } } } };
}

export interface EiTarget {
  aggregatedPnode?: string[];
  endDeviceAsset?: string[];
  meterAsset?: string[];
  pnode?: string[];
  serviceArea?: FeatureCollection[];
  serviceDeliveryPoint?: string[];
  serviceLocation?: FeatureCollection[];
  transportInterface?: TransportInterface[];
  groupID?: string[];
  groupName?: string[];
  resourceID?: string[];
  venID?: string[];
  partyID?: string[];
}

export interface PowerAttributes {
  hertz: DecimalText;
  voltage: DecimalText;
  ac: boolean;
}

/** A member of emix:itemBase whose description and unit the XSD fixes (or enumerates) as D and U. */
interface ScaledItem<T extends string, D extends string, U extends string> {
  type: T;
  itemDescription: D;
  itemUnits: U;
  siScaleCode: SiScaleCode;
}

type PowerItem<T extends string, D extends string, U extends string> = ScaledItem<T, D, U> & {
  powerAttributes: PowerAttributes;
};

/**
 * Members of the emix:itemBase substitution group (the unit of a signal or a report data point). Where
 * the XSD fixes a description or a unit, the type does too, so every itemBase written is XSD-valid.
 */
export type ItemBase =
  | PowerItem<'powerReal', 'RealPower', 'W' | 'J/s'>
  | PowerItem<'powerApparent', 'ApparentPower', 'VA'>
  | PowerItem<'powerReactive', 'ReactivePower', 'VAR'>
  | ScaledItem<'energyReal', 'RealEnergy', 'Wh'>
  | ScaledItem<'energyApparent', 'ApparentEnergy', 'VAh'>
  | ScaledItem<'energyReactive', 'ReactiveEnergy', 'VARh'>
  | ScaledItem<'voltage', 'Voltage', 'V'>
  /** itemUnits: an ISO 4217 code. */
  | ScaledItem<
      'currency' | 'currencyPerKWh' | 'currencyPerKW' | 'currencyPerThm',
      'currency' | 'currencyPerKWh' | 'currencyPerKW',
      string
    >
  | ScaledItem<'customUnit', string, string>
  | ScaledItem<'current', 'Current', 'A'>
  | ScaledItem<'frequency', 'Frequency', 'Hz'>
  | ScaledItem<'Therm', 'Therm', 'thm'>
  | ScaledItem<'temperature', 'temperature', 'celsius' | 'fahrenheit'>
  | { type: 'pulseCount'; itemDescription: 'pulse count'; itemUnits: 'count'; pulseFactor: DecimalText }
  | { type: 'oadrGBDataDescription'; feed: string };

export type ItemBaseType = ItemBase['type'];

export interface LoadControlStateValue {
  oadrMin?: DecimalText;
  oadrMax?: DecimalText;
  oadrCurrent: DecimalText;
  oadrNormal?: DecimalText;
}

export interface LoadControlState {
  oadrCapacity?: LoadControlStateValue;
  oadrLevelOffset?: LoadControlStateValue;
  oadrPercentOffset?: LoadControlStateValue;
  oadrSetPoint?: LoadControlStateValue;
}

/** Members of the ei:payloadBase substitution group. */
export type PayloadBase =
  | { type: 'payloadFloat'; value: DecimalText }
  | {
      type: 'oadrPayloadResourceStatus';
      oadrOnline: boolean;
      oadrManualOverride: boolean;
      oadrLoadControlState?: LoadControlState;
    };

export interface SignalPayload {
  type: 'signalPayload';
  payloadBase: PayloadBase;
}

export interface OadrReportPayload {
  type: 'oadrReportPayload';
  rID: string;
  /** 0…100. */
  confidence?: number;
  accuracy?: DecimalText;
  payloadBase: PayloadBase;
  oadrDataQuality?: DataQuality;
}

export interface OadrGBPayload {
  type: 'oadrGBPayload';
  /** The atom:feed element, as canonical XML (HISTORY_GREENBUTTON content is carried, not interpreted). */
  feed: string;
}

/** Members of the strm:streamPayloadBase substitution group. */
export type StreamPayload = SignalPayload | OadrReportPayload | OadrGBPayload;

export interface Interval {
  dtstart?: Instant;
  duration?: Duration;
  uid?: string;
  /** One or more. */
  payloads: StreamPayload[];
}

// ---- reading ----------------------------------------------------------------------------------

/** Decoding context: collects the warnings FMT-2 asks for. */
export interface ReadContext {
  readonly warnings: string[];
}

/** Reads the types the payload families share, noting lenient input in the context's warnings. */
export class PayloadReader {
  constructor(private readonly ctx: ReadContext) {}

  duration(el: XmlElement): Duration {
    const parsed = parseDuration(el.text);
    if (parsed.warning) this.ctx.warnings.push(parsed.warning);
    return parsed.seconds;
  }

  /** xcal:DurationPropType: an element holding xcal:duration. */
  durationProp(el: XmlElement): Duration {
    return this.duration(Sequence.of(el).required(XCAL_NS, 'duration'));
  }

  dtstart(el: XmlElement): number {
    return parseDateTime(Sequence.of(el).required(XCAL_NS, 'date-time').text);
  }

  eiResponse(el: XmlElement): EiResponse {
    const s = Sequence.of(el);
    const responseCode = text(s.required(EI_NS, 'responseCode'));
    const responseDescription = optText(s.optional(EI_NS, 'responseDescription'));
    const requestID = text(s.required(PYLD_NS, 'requestID'));
    return { responseCode, ...(responseDescription !== undefined && { responseDescription }), requestID };
  }

  properties(el: XmlElement): Properties {
    const s = Sequence.of(el);
    const dtstart = this.dtstart(s.required(XCAL_NS, 'dtstart'));
    const duration = this.durationProp(s.required(XCAL_NS, 'duration'));
    const toleranceEl = s.optional(XCAL_NS, 'tolerance');
    let tolerance: Properties['tolerance'];
    if (toleranceEl) {
      const startafter = Sequence.of(Sequence.of(toleranceEl).required(XCAL_NS, 'tolerate')).optional(
        XCAL_NS,
        'startafter',
      );
      tolerance = startafter ? { startafter: this.duration(startafter) } : {};
    }
    const notification = s.optional(EI_NS, 'x-eiNotification');
    const rampUp = s.optional(EI_NS, 'x-eiRampUp');
    const recovery = s.optional(EI_NS, 'x-eiRecovery');
    return {
      dtstart,
      duration,
      ...(tolerance && { tolerance }),
      ...(notification && { notification: this.durationProp(notification) }),
      ...(rampUp && { rampUp: this.durationProp(rampUp) }),
      ...(recovery && { recovery: this.durationProp(recovery) }),
    };
  }

  qualifiedEventID(el: XmlElement): QualifiedEventID {
    const s = Sequence.of(el);
    return {
      eventID: text(s.required(EI_NS, 'eventID')),
      modificationNumber: parseUnsignedInt(s.required(EI_NS, 'modificationNumber').text),
    };
  }

  private featureCollection(el: XmlElement): FeatureCollection {
    const polygon = Sequence.of(Sequence.of(el).required(GML_NS, 'location')).required(GML_NS, 'Polygon');
    const ring = Sequence.of(Sequence.of(polygon).required(GML_NS, 'exterior')).required(GML_NS, 'LinearRing');
    const posList = trimmed(Sequence.of(ring).required(GML_NS, 'posList').text);
    const id = el.attributes.find((a) => a.ns === GML_NS && a.local === 'id')?.value;
    const polygonId = polygon.attributes.find((a) => a.ns === GML_NS && a.local === 'id')?.value;
    return {
      ...(id !== undefined && { id: trimmed(id) }),
      location: {
        polygon: {
          ...(polygonId !== undefined && { id: trimmed(polygonId) }),
          exterior: {
            linearRing: { posList: posList === '' ? [] : posList.split(/[ \t\n\r]+/).map(parseDecimalText) },
          },
        },
      },
    };
  }

  eiTarget(el: XmlElement): EiTarget {
    const s = Sequence.of(el);
    const strings = (ns: string, local: string, inner?: string): string[] | undefined =>
      list(s.many(ns, local).map((e) => text(inner ? Sequence.of(e).required(POWER_NS, inner) : e)));
    const target: EiTarget = {
      aggregatedPnode: strings(POWER_NS, 'aggregatedPnode', 'node'),
      endDeviceAsset: strings(POWER_NS, 'endDeviceAsset', 'mrid'),
      meterAsset: strings(POWER_NS, 'meterAsset', 'mrid'),
      pnode: strings(POWER_NS, 'pnode', 'node'),
      serviceArea: list(
        s
          .many(EMIX_NS, 'serviceArea')
          .map((e) => this.featureCollection(Sequence.of(e).required(GML_NS, 'FeatureCollection'))),
      ),
      serviceDeliveryPoint: strings(POWER_NS, 'serviceDeliveryPoint', 'node'),
      serviceLocation: list(
        s
          .many(POWER_NS, 'serviceLocation')
          .map((e) => this.featureCollection(Sequence.of(e).required(GML_NS, 'FeatureCollection'))),
      ),
      transportInterface: list(
        s.many(POWER_NS, 'transportInterface').map((e) => {
          const t = Sequence.of(e);
          return {
            pointOfReceipt: text(t.required(POWER_NS, 'pointOfReceipt')),
            pointOfDelivery: text(t.required(POWER_NS, 'pointOfDelivery')),
          };
        }),
      ),
      groupID: strings(EI_NS, 'groupID'),
      groupName: strings(EI_NS, 'groupName'),
      resourceID: strings(EI_NS, 'resourceID'),
      venID: strings(EI_NS, 'venID'),
      partyID: strings(EI_NS, 'partyID'),
    };
    for (const key of Object.keys(target) as (keyof EiTarget)[]) if (target[key] === undefined) delete target[key];
    return target;
  }

  /**
   * An emix:itemBase member. Where the XSD fixes the description or the unit, the schema has checked the
   * text (which may be empty, standing for the fixed value), so the member's fixed value is what it means.
   */
  itemBase(el: XmlElement): ItemBase {
    if (el.local === 'oadrGBDataDescription') return { type: 'oadrGBDataDescription', feed: this.feed(el) };
    const s = Sequence.of(el);
    const ns = el.ns === POWER_NS ? POWER_NS : OADR_NS;
    const description = s.required(ns, 'itemDescription');
    const units = s.required(ns, 'itemUnits');
    const type = itemBaseMember(el);
    if (type === 'pulseCount') {
      return {
        type,
        itemDescription: 'pulse count',
        itemUnits: 'count',
        pulseFactor: parseDecimalText(s.required(OADR_NS, 'pulseFactor').text),
      };
    }
    const siScaleCode = token<SiScaleCode>(s.required(SCALE_NS, 'siScaleCode'));
    const powerAttributes = (): PowerAttributes => {
      const a = Sequence.of(s.required(POWER_NS, 'powerAttributes'));
      return {
        hertz: parseDecimalText(a.required(POWER_NS, 'hertz').text),
        voltage: parseDecimalText(a.required(POWER_NS, 'voltage').text),
        ac: parseBoolean(a.required(POWER_NS, 'ac').text),
      };
    };
    switch (type) {
      case 'powerReal':
        return {
          type,
          itemDescription: 'RealPower',
          itemUnits: token<'W' | 'J/s'>(units),
          siScaleCode,
          powerAttributes: powerAttributes(),
        };
      case 'powerApparent':
        return {
          type,
          itemDescription: 'ApparentPower',
          itemUnits: 'VA',
          siScaleCode,
          powerAttributes: powerAttributes(),
        };
      case 'powerReactive':
        return {
          type,
          itemDescription: 'ReactivePower',
          itemUnits: 'VAR',
          siScaleCode,
          powerAttributes: powerAttributes(),
        };
      case 'energyReal':
        return { type, itemDescription: 'RealEnergy', itemUnits: 'Wh', siScaleCode };
      case 'energyApparent':
        return { type, itemDescription: 'ApparentEnergy', itemUnits: 'VAh', siScaleCode };
      case 'energyReactive':
        return { type, itemDescription: 'ReactiveEnergy', itemUnits: 'VARh', siScaleCode };
      case 'voltage':
        return { type, itemDescription: 'Voltage', itemUnits: 'V', siScaleCode };
      case 'current':
        return { type, itemDescription: 'Current', itemUnits: 'A', siScaleCode };
      case 'frequency':
        return { type, itemDescription: 'Frequency', itemUnits: 'Hz', siScaleCode };
      case 'Therm':
        return { type, itemDescription: 'Therm', itemUnits: 'thm', siScaleCode };
      case 'temperature':
        return { type, itemDescription: 'temperature', itemUnits: token<'celsius' | 'fahrenheit'>(units), siScaleCode };
      case 'currency':
      case 'currencyPerKWh':
      case 'currencyPerKW':
      case 'currencyPerThm':
        return {
          type,
          itemDescription: token<'currency' | 'currencyPerKWh' | 'currencyPerKW'>(description),
          itemUnits: collapsed(units.text),
          siScaleCode,
        };
      case 'customUnit':
        return { type, itemDescription: text(description), itemUnits: text(units), siScaleCode };
      default:
        throw new OadrDataError(`itemBase {${el.ns}}${el.local} is not supported`);
    }
  }

  private feed(el: XmlElement): string {
    return serializeElement(Sequence.of(el).required(ATOM_NS, 'feed'), FOREIGN_PREFIXES);
  }

  private loadControlValue(el: XmlElement | undefined): LoadControlStateValue | undefined {
    if (!el) return undefined;
    const s = Sequence.of(el);
    const oadrMin = s.optional(OADR_NS, 'oadrMin');
    const oadrMax = s.optional(OADR_NS, 'oadrMax');
    const oadrCurrent = parseDecimalText(s.required(OADR_NS, 'oadrCurrent').text);
    const oadrNormal = s.optional(OADR_NS, 'oadrNormal');
    return {
      ...(oadrMin && { oadrMin: parseDecimalText(oadrMin.text) }),
      ...(oadrMax && { oadrMax: parseDecimalText(oadrMax.text) }),
      oadrCurrent,
      ...(oadrNormal && { oadrNormal: parseDecimalText(oadrNormal.text) }),
    };
  }

  private payloadBase(el: XmlElement): PayloadBase {
    const s = Sequence.of(el);
    if (el.local === 'payloadFloat')
      return { type: 'payloadFloat', value: parseDecimalText(s.required(EI_NS, 'value').text) };
    const oadrOnline = parseBoolean(s.required(OADR_NS, 'oadrOnline').text);
    const oadrManualOverride = parseBoolean(s.required(OADR_NS, 'oadrManualOverride').text);
    const stateEl = s.optional(OADR_NS, 'oadrLoadControlState');
    let oadrLoadControlState: LoadControlState | undefined;
    if (stateEl) {
      const st = Sequence.of(stateEl);
      const entries = (['oadrCapacity', 'oadrLevelOffset', 'oadrPercentOffset', 'oadrSetPoint'] as const)
        .map((name) => [name, this.loadControlValue(st.optional(OADR_NS, name))] as const)
        .filter(([, v]) => v !== undefined);
      oadrLoadControlState = Object.fromEntries(entries);
    }
    return {
      type: 'oadrPayloadResourceStatus',
      oadrOnline,
      oadrManualOverride,
      ...(oadrLoadControlState && { oadrLoadControlState }),
    };
  }

  private streamPayload(el: XmlElement): StreamPayload {
    if (el.local === 'signalPayload')
      return { type: 'signalPayload', payloadBase: this.payloadBase(Sequence.of(el).member()) };
    if (el.local === 'oadrGBPayload') return { type: 'oadrGBPayload', feed: this.feed(el) };
    const s = Sequence.of(el);
    const rID = text(s.required(EI_NS, 'rID'));
    const confidence = s.optional(EI_NS, 'confidence');
    const accuracy = s.optional(EI_NS, 'accuracy');
    const payloadBase = this.payloadBase(s.member());
    const quality = s.optional(OADR_NS, 'oadrDataQuality');
    return {
      type: 'oadrReportPayload',
      rID,
      ...(confidence && { confidence: parseUnsignedInt(confidence.text) }),
      ...(accuracy && { accuracy: parseDecimalText(accuracy.text) }),
      payloadBase,
      ...(quality && { oadrDataQuality: token<DataQuality>(quality) }),
    };
  }

  intervals(el: XmlElement): Interval[] {
    return Sequence.of(el)
      .many(EI_NS, 'interval')
      .map((i) => {
        const s = Sequence.of(i);
        const dtstart = s.optional(XCAL_NS, 'dtstart');
        const duration = s.optional(XCAL_NS, 'duration');
        const uid = s.optional(XCAL_NS, 'uid');
        const payloads: StreamPayload[] = [];
        for (let p = s.next(); p; p = s.next()) payloads.push(this.streamPayload(p));
        return {
          ...(dtstart && { dtstart: this.dtstart(dtstart) }),
          ...(duration && { duration: this.durationProp(duration) }),
          ...(uid && { uid: text(Sequence.of(uid).required(XCAL_NS, 'text')) }),
          payloads,
        };
      });
  }

  optionalItemBase(s: Sequence, before: { ns: string; local: string }): ItemBase | undefined {
    const next = s.peek();
    return next && !(next.ns === before.ns && next.local === before.local) ? this.itemBase(s.member()) : undefined;
  }
}

/** The optional ei:venID that many payloads end with, as a spreadable property. */
export function optionalVenId(s: Sequence): { venID?: string } {
  const venID = s.optional(EI_NS, 'venID');
  return venID ? { venID: text(venID) } : {};
}

const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';

/** The concrete types power:powerItem and power:energyItem (whose own types are abstract) may carry as xsi:type. */
const ITEM_BY_XSI_TYPE: ReadonlyMap<string, ItemBase['type']> = new Map([
  ['PowerRealType', 'powerReal'],
  ['PowerApparentType', 'powerApparent'],
  ['PowerReactiveType', 'powerReactive'],
  ['EnergyRealType', 'energyReal'],
  ['EnergyApparentType', 'energyApparent'],
  ['EnergyReactiveType', 'energyReactive'],
]);

/** The itemBase member an element stands for; a powerItem/energyItem is the member its xsi:type names. */
function itemBaseMember(el: XmlElement): ItemBase['type'] {
  if (el.local !== 'powerItem' && el.local !== 'energyItem') return el.local as ItemBase['type'];
  const xsiType = collapsed(el.attributes.find((a) => a.ns === XSI_NS && a.local === 'type')?.value ?? '');
  const member = ITEM_BY_XSI_TYPE.get(xsiType.slice(xsiType.indexOf(':') + 1));
  if (!member) throw new OadrDataError(`itemBase {${el.ns}}${el.local} with xsi:type '${xsiType}' is not supported`);
  return member;
}

/** Prefixes for Green Button content carried as XML. */
const FOREIGN_PREFIXES: ReadonlyMap<string, string> = new Map([
  [ATOM_NS, 'atom'],
  [GB_NS, 'espi'],
]);

// ---- writing ----------------------------------------------------------------------------------

/** Green Button content is carried as XML text; it must be one atom:feed element. */
function feedXml(xml: string): string {
  try {
    const { root } = readXml(xml, OADR_XML_LIMITS);
    if (root.ns === ATOM_NS && root.local === 'feed') return xml.replace(/^<\?xml[^>]*\?>/, '');
  } catch (error) {
    if (!(error instanceof XmlReadError)) throw error;
  }
  throw new OadrDataError('Green Button content must be a well-formed atom:feed element');
}

export const dateTimeXml = (name: string, instant: Instant): string => leaf(name, formatDateTime(instant));

export const dtstartXml = (instant: Instant): string =>
  `<xcal:dtstart>${dateTimeXml('xcal:date-time', instant)}</xcal:dtstart>`;

export const durationPropXml = (name: string, seconds: number): string =>
  `<${name}>${leaf('xcal:duration', formatDuration(seconds))}</${name}>`;

export function eiResponseXml(r: EiResponse): string {
  return `<ei:eiResponse>${leaf('ei:responseCode', responseCode(r.responseCode))}${optLeaf('ei:responseDescription', r.responseDescription)}${leaf('pyld:requestID', r.requestID)}</ei:eiResponse>`;
}

export function propertiesXml(p: Properties): string {
  let out = dtstartXml(p.dtstart) + durationPropXml('xcal:duration', p.duration);
  if (p.tolerance) {
    const startafter =
      p.tolerance.startafter === undefined ? '' : leaf('xcal:startafter', formatDuration(p.tolerance.startafter));
    out += `<xcal:tolerance>${node('xcal:tolerate', startafter)}</xcal:tolerance>`;
  }
  if (p.notification !== undefined) out += durationPropXml('ei:x-eiNotification', p.notification);
  if (p.rampUp !== undefined) out += durationPropXml('ei:x-eiRampUp', p.rampUp);
  if (p.recovery !== undefined) out += durationPropXml('ei:x-eiRecovery', p.recovery);
  return `<xcal:properties>${out}</xcal:properties>`;
}

export function qualifiedEventIdXml(q: QualifiedEventID): string {
  return `<ei:qualifiedEventID>${leaf('ei:eventID', q.eventID)}${leaf('ei:modificationNumber', unsignedInt(q.modificationNumber))}</ei:qualifiedEventID>`;
}

function featureCollectionXml(f: FeatureCollection): string {
  const id = (value: string | undefined): string => (value === undefined ? '' : ` gml:id="${escapeAttribute(value)}"`);
  const posList = f.location.polygon.exterior.linearRing.posList.map((v) => formatDecimal(v)).join(' ');
  return (
    `<gml:FeatureCollection xmlns:gml="http://www.opengis.net/gml/3.2"${id(f.id)}><gml:location><gml:Polygon${id(f.location.polygon.id)}>` +
    `<gml:exterior><gml:LinearRing>${leaf('gml:posList', posList)}</gml:LinearRing></gml:exterior></gml:Polygon></gml:location></gml:FeatureCollection>`
  );
}

/** The content of an EiTargetType element (ei:eiTarget, oadr:oadrDeviceClass, ei:reportSubject, ei:reportDataSource). */
export function targetXml(name: string, t: EiTarget): string {
  const wrapped = (outer: string, inner: string) => (value: string) => `<${outer}>${leaf(inner, value)}</${outer}>`;
  const content =
    each(t.aggregatedPnode, wrapped('power:aggregatedPnode', 'power:node')) +
    each(t.endDeviceAsset, wrapped('power:endDeviceAsset', 'power:mrid')) +
    each(t.meterAsset, wrapped('power:meterAsset', 'power:mrid')) +
    each(t.pnode, wrapped('power:pnode', 'power:node')) +
    each(t.serviceArea, (f) => `<emix:serviceArea>${featureCollectionXml(f)}</emix:serviceArea>`) +
    each(t.serviceDeliveryPoint, wrapped('power:serviceDeliveryPoint', 'power:node')) +
    each(t.serviceLocation, (f) => `<power:serviceLocation>${featureCollectionXml(f)}</power:serviceLocation>`) +
    each(
      t.transportInterface,
      (i) =>
        `<power:transportInterface>${leaf('power:pointOfReceipt', i.pointOfReceipt)}${leaf('power:pointOfDelivery', i.pointOfDelivery)}</power:transportInterface>`,
    ) +
    each(t.groupID, (v) => leaf('ei:groupID', v)) +
    each(t.groupName, (v) => leaf('ei:groupName', v)) +
    each(t.resourceID, (v) => leaf('ei:resourceID', v)) +
    each(t.venID, (v) => leaf('ei:venID', v)) +
    each(t.partyID, (v) => leaf('ei:partyID', v));
  return node(name, content);
}

/** Namespace prefix of each itemBase member. */
const ITEM_BASE_PREFIX: Record<ItemBase['type'], 'power' | 'oadr'> = {
  powerReal: 'power',
  powerApparent: 'power',
  powerReactive: 'power',
  energyReal: 'power',
  energyApparent: 'power',
  energyReactive: 'power',
  voltage: 'power',
  currency: 'oadr',
  currencyPerKWh: 'oadr',
  currencyPerKW: 'oadr',
  currencyPerThm: 'oadr',
  customUnit: 'oadr',
  current: 'oadr',
  frequency: 'oadr',
  Therm: 'oadr',
  temperature: 'oadr',
  pulseCount: 'oadr',
  oadrGBDataDescription: 'oadr',
};

export function itemBaseXml(i: ItemBase): string {
  const prefix = ITEM_BASE_PREFIX[i.type];
  const name = `${prefix}:${i.type}`;
  if (i.type === 'oadrGBDataDescription') return `<${name}>${feedXml(i.feed)}</${name}>`;
  let out = leaf(`${prefix}:itemDescription`, i.itemDescription) + leaf(`${prefix}:itemUnits`, i.itemUnits);
  if (i.type === 'pulseCount') out += leaf('oadr:pulseFactor', formatDecimal(i.pulseFactor));
  else out += leaf('scale:siScaleCode', i.siScaleCode);
  if (i.type === 'powerReal' || i.type === 'powerApparent' || i.type === 'powerReactive') {
    const a = i.powerAttributes;
    out += `<power:powerAttributes>${leaf('power:hertz', formatDecimal(a.hertz))}${leaf('power:voltage', formatDecimal(a.voltage))}${leaf('power:ac', bool(a.ac))}</power:powerAttributes>`;
  }
  return `<${name}>${out}</${name}>`;
}

function loadControlValueXml(name: string, v: LoadControlStateValue | undefined): string {
  if (!v) return '';
  const opt = (n: string, value: string | undefined) => (value === undefined ? '' : leaf(n, formatDecimal(value)));
  return `<${name}>${opt('oadr:oadrMin', v.oadrMin)}${opt('oadr:oadrMax', v.oadrMax)}${leaf('oadr:oadrCurrent', formatDecimal(v.oadrCurrent))}${opt('oadr:oadrNormal', v.oadrNormal)}</${name}>`;
}

function payloadBaseXml(p: PayloadBase): string {
  if (p.type === 'payloadFloat')
    return `<ei:payloadFloat>${leaf('ei:value', formatDecimal(p.value))}</ei:payloadFloat>`;
  const s = p.oadrLoadControlState;
  const state = s
    ? node(
        'oadr:oadrLoadControlState',
        loadControlValueXml('oadr:oadrCapacity', s.oadrCapacity) +
          loadControlValueXml('oadr:oadrLevelOffset', s.oadrLevelOffset) +
          loadControlValueXml('oadr:oadrPercentOffset', s.oadrPercentOffset) +
          loadControlValueXml('oadr:oadrSetPoint', s.oadrSetPoint),
      )
    : '';
  return `<oadr:oadrPayloadResourceStatus>${leaf('oadr:oadrOnline', bool(p.oadrOnline))}${leaf('oadr:oadrManualOverride', bool(p.oadrManualOverride))}${state}</oadr:oadrPayloadResourceStatus>`;
}

function streamPayloadXml(p: StreamPayload): string {
  switch (p.type) {
    case 'signalPayload':
      return `<ei:signalPayload>${payloadBaseXml(p.payloadBase)}</ei:signalPayload>`;
    case 'oadrGBPayload':
      return `<oadr:oadrGBPayload>${feedXml(p.feed)}</oadr:oadrGBPayload>`;
    case 'oadrReportPayload':
      return (
        `<oadr:oadrReportPayload>${leaf('ei:rID', p.rID)}` +
        (p.confidence === undefined ? '' : leaf('ei:confidence', unsignedInt(p.confidence, 100))) +
        (p.accuracy === undefined ? '' : leaf('ei:accuracy', formatDecimal(p.accuracy))) +
        payloadBaseXml(p.payloadBase) +
        optLeaf('oadr:oadrDataQuality', p.oadrDataQuality && extensible(p.oadrDataQuality)) +
        '</oadr:oadrReportPayload>'
      );
  }
}

export function intervalsXml(list: readonly Interval[]): string {
  if (list.length === 0) throw new OadrDataError('strm:intervals needs at least one interval');
  return `<strm:intervals>${each(list, (i) => {
    if (i.payloads.length === 0) throw new OadrDataError('an interval needs at least one payload');
    return (
      '<ei:interval>' +
      (i.dtstart === undefined ? '' : dtstartXml(i.dtstart)) +
      (i.duration === undefined ? '' : durationPropXml('xcal:duration', i.duration)) +
      (i.uid === undefined ? '' : `<xcal:uid>${leaf('xcal:text', i.uid)}</xcal:uid>`) +
      each(i.payloads, streamPayloadXml) +
      '</ei:interval>'
    );
  })}</strm:intervals>`;
}
