/**
 * Schema-valid element trees → typed payloads. The schema validator has already checked structure,
 * order and lexical forms, so this walks each XSD sequence in order and only converts values; what is
 * XSD-valid but unusable (FMT-1..4) raises OadrDataError.
 */
import { isXmlSpace, serializeElement, type XmlElement } from '@flexgrid/xml';
import {
  ATOM_NS,
  EI_NS,
  EMIX_NS,
  GB_NS,
  GML_NS,
  OADR_NS,
  POWER_NS,
  PYLD_NS,
  SCALE_NS,
  STRM_NS,
  XCAL_NS,
} from '../namespaces';
import {
  type Duration,
  OadrDataError,
  parseBoolean,
  parseDateTime,
  parseDecimalText,
  parseDuration,
  parseTestEvent,
  parseUnsignedInt,
} from '../values';
import type {
  DataQuality,
  EiEvent,
  EiEventBaseline,
  EiEventSignal,
  EventStatus,
  OptReason,
  OptType,
  ProfileName,
  ReadingType,
  ReportName,
  ReportType,
  ServiceName,
  SignalName,
  SignalType,
  TransportName,
  EiResponse,
  EiTarget,
  EventResponse,
  FeatureCollection,
  Interval,
  ItemBase,
  LoadControlState,
  LoadControlStateValue,
  OadrPayload,
  OadrPayloadType,
  OadrReport,
  OadrReportDescription,
  OadrReportRequest,
  PayloadBase,
  PowerAttributes,
  Properties,
  QualifiedEventID,
  SiScaleCode,
  StreamPayload,
} from './types';

/** XML-2: text values are trimmed of XML whitespace (not of other Unicode spaces). */
export function trimmed(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isXmlSpace(text.charCodeAt(start))) start++;
  while (end > start && isXmlSpace(text.charCodeAt(end - 1))) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

/** Reads the children of one element in XSD sequence order. */
class Sequence {
  private i = 0;
  constructor(private readonly kids: readonly XmlElement[]) {}

  static of(el: XmlElement): Sequence {
    return new Sequence(el.children);
  }

  optional(ns: string, local: string): XmlElement | undefined {
    const kid = this.kids[this.i];
    if (kid && kid.local === local && kid.ns === ns) {
      this.i++;
      return kid;
    }
    return undefined;
  }

  required(ns: string, local: string): XmlElement {
    const kid = this.optional(ns, local);
    if (!kid) throw new Error(`schema-valid input lacks {${ns}}${local}`);
    return kid;
  }

  many(ns: string, local: string): XmlElement[] {
    const out: XmlElement[] = [];
    for (let kid = this.optional(ns, local); kid; kid = this.optional(ns, local)) out.push(kid);
    return out;
  }

  /** The next child whatever its name (a substitution group member), if any. */
  next(): XmlElement | undefined {
    return this.kids[this.i++];
  }

  /** The next child, which the schema guarantees to exist (a required substitution group member). */
  member(): XmlElement {
    const kid = this.next();
    if (!kid) throw new Error('schema-valid input lacks a substitution group member');
    return kid;
  }

  peek(): XmlElement | undefined {
    return this.kids[this.i];
  }
}

const text = (el: XmlElement): string => trimmed(el.text);
const optText = (el: XmlElement | undefined): string | undefined => (el ? text(el) : undefined);
/** Optional repeatable elements are left out when there are none. */
function list<T>(items: T[]): T[] | undefined {
  return items.length > 0 ? items : undefined;
}

/** Decoding context: collects the warnings FMT-2 asks for. */
export interface ReadContext {
  readonly warnings: string[];
}

export class PayloadReader {
  constructor(private readonly ctx: ReadContext) {}

  private duration(el: XmlElement): Duration {
    const parsed = parseDuration(el.text);
    if (parsed.warning) this.ctx.warnings.push(parsed.warning);
    return parsed.seconds;
  }

  /** xcal:DurationPropType: an element holding xcal:duration. */
  private durationProp(el: XmlElement): Duration {
    return this.duration(Sequence.of(el).required(XCAL_NS, 'duration'));
  }

  private dtstart(el: XmlElement): number {
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

  private optionalItemBase(s: Sequence, before: { ns: string; local: string }): ItemBase | undefined {
    const next = s.peek();
    return next && !(next.ns === before.ns && next.local === before.local) ? this.itemBase(s.member()) : undefined;
  }

  private eventSignal(el: XmlElement): EiEventSignal {
    const s = Sequence.of(el);
    const intervals = this.intervals(s.required(STRM_NS, 'intervals'));
    const eiTarget = s.optional(EI_NS, 'eiTarget');
    const signalName = token<SignalName>(s.required(EI_NS, 'signalName'));
    const signalType = token<SignalType>(s.required(EI_NS, 'signalType'));
    const signalID = text(s.required(EI_NS, 'signalID'));
    const itemBase = this.optionalItemBase(s, { ns: EI_NS, local: 'currentValue' });
    const currentValue = s.optional(EI_NS, 'currentValue');
    return {
      intervals,
      ...(eiTarget && { eiTarget: this.eiTarget(eiTarget) }),
      signalName,
      signalType,
      signalID,
      ...(itemBase && { itemBase }),
      ...(currentValue && {
        currentValue: parseDecimalText(
          Sequence.of(Sequence.of(currentValue).required(EI_NS, 'payloadFloat')).required(EI_NS, 'value').text,
        ),
      }),
    };
  }

  eiEvent(el: XmlElement): EiEvent {
    const s = Sequence.of(el);
    const d = Sequence.of(s.required(EI_NS, 'eventDescriptor'));
    const eventID = text(d.required(EI_NS, 'eventID'));
    const modificationNumber = parseUnsignedInt(d.required(EI_NS, 'modificationNumber').text);
    const modificationDateTime = d.optional(EI_NS, 'modificationDateTime');
    const modificationReason = d.optional(EI_NS, 'modificationReason');
    const priority = d.optional(EI_NS, 'priority');
    const marketContext = text(Sequence.of(d.required(EI_NS, 'eiMarketContext')).required(EMIX_NS, 'marketContext'));
    const createdDateTime = parseDateTime(d.required(EI_NS, 'createdDateTime').text);
    const eventStatus = token<EventStatus>(d.required(EI_NS, 'eventStatus'));
    const testEvent = d.optional(EI_NS, 'testEvent');
    const vtnComment = d.optional(EI_NS, 'vtnComment');
    const eiActivePeriod = this.properties(
      Sequence.of(s.required(EI_NS, 'eiActivePeriod')).required(XCAL_NS, 'properties'),
    );
    const signals = Sequence.of(s.required(EI_NS, 'eiEventSignals'));
    const eiEventSignal = signals.many(EI_NS, 'eiEventSignal').map((e) => this.eventSignal(e));
    const baselineEl = signals.optional(EI_NS, 'eiEventBaseline');
    let eiEventBaseline: EiEventBaseline | undefined;
    if (baselineEl) {
      const b = Sequence.of(baselineEl);
      const dtstart = this.dtstart(b.required(XCAL_NS, 'dtstart'));
      const duration = this.durationProp(b.required(XCAL_NS, 'duration'));
      const intervals = this.intervals(b.required(STRM_NS, 'intervals'));
      const baselineID = text(b.required(EI_NS, 'baselineID'));
      const resourceID = list(b.many(EI_NS, 'resourceID').map(text));
      const baselineName = text(b.required(EI_NS, 'baselineName'));
      const itemBase = b.peek() ? this.itemBase(b.member()) : undefined;
      eiEventBaseline = {
        dtstart,
        duration,
        intervals,
        baselineID,
        ...(resourceID && { resourceID }),
        baselineName,
        ...(itemBase && { itemBase }),
      };
    }
    const eiTarget = this.eiTarget(s.required(EI_NS, 'eiTarget'));
    return {
      eventDescriptor: {
        eventID,
        modificationNumber,
        ...(modificationDateTime && { modificationDateTime: parseDateTime(modificationDateTime.text) }),
        ...(modificationReason && { modificationReason: text(modificationReason) }),
        ...(priority && { priority: parseUnsignedInt(priority.text) }),
        marketContext,
        createdDateTime,
        eventStatus,
        ...(testEvent && { testEvent: parseTestEvent(testEvent.text) }),
        ...(vtnComment && { vtnComment: text(vtnComment) }),
      },
      eiActivePeriod,
      eiEventSignals: { eiEventSignal, ...(eiEventBaseline && { eiEventBaseline }) },
      eiTarget,
    };
  }

  eventResponse(el: XmlElement): EventResponse {
    const s = Sequence.of(el);
    const responseCode = text(s.required(EI_NS, 'responseCode'));
    const responseDescription = optText(s.optional(EI_NS, 'responseDescription'));
    const requestID = text(s.required(PYLD_NS, 'requestID'));
    const qualifiedEventID = this.qualifiedEventID(s.required(EI_NS, 'qualifiedEventID'));
    const optType = token<OptType>(s.required(EI_NS, 'optType'));
    return {
      responseCode,
      ...(responseDescription !== undefined && { responseDescription }),
      requestID,
      qualifiedEventID,
      optType,
    };
  }

  reportRequest(el: XmlElement): OadrReportRequest {
    const s = Sequence.of(el);
    const reportRequestID = text(s.required(EI_NS, 'reportRequestID'));
    const r = Sequence.of(s.required(EI_NS, 'reportSpecifier'));
    const reportSpecifierID = text(r.required(EI_NS, 'reportSpecifierID'));
    const granularity = this.durationProp(r.required(XCAL_NS, 'granularity'));
    const reportBackDuration = this.durationProp(r.required(EI_NS, 'reportBackDuration'));
    const interval = r.optional(EI_NS, 'reportInterval');
    const reportInterval = interval
      ? this.properties(Sequence.of(interval).required(XCAL_NS, 'properties'))
      : undefined;
    const specifierPayload = r.many(EI_NS, 'specifierPayload').map((p) => {
      const ps = Sequence.of(p);
      const rID = text(ps.required(EI_NS, 'rID'));
      const itemBase = this.optionalItemBase(ps, { ns: EI_NS, local: 'readingType' });
      const readingType = token<ReadingType>(ps.required(EI_NS, 'readingType'));
      return { rID, ...(itemBase && { itemBase }), readingType };
    });
    return {
      reportRequestID,
      reportSpecifier: {
        reportSpecifierID,
        granularity,
        reportBackDuration,
        ...(reportInterval && { reportInterval }),
        specifierPayload,
      },
    };
  }

  private reportDescription(el: XmlElement): OadrReportDescription {
    const s = Sequence.of(el);
    const rID = text(s.required(EI_NS, 'rID'));
    const reportSubject = s.optional(EI_NS, 'reportSubject');
    const reportDataSource = s.optional(EI_NS, 'reportDataSource');
    const reportType = token<ReportType>(s.required(EI_NS, 'reportType'));
    const itemBase = this.optionalItemBase(s, { ns: EI_NS, local: 'readingType' });
    const readingType = token<ReadingType>(s.required(EI_NS, 'readingType'));
    const marketContext = s.optional(EMIX_NS, 'marketContext');
    const rate = s.optional(OADR_NS, 'oadrSamplingRate');
    let oadrSamplingRate: OadrReportDescription['oadrSamplingRate'];
    if (rate) {
      const r = Sequence.of(rate);
      oadrSamplingRate = {
        oadrMinPeriod: this.duration(r.required(OADR_NS, 'oadrMinPeriod')),
        oadrMaxPeriod: this.duration(r.required(OADR_NS, 'oadrMaxPeriod')),
        oadrOnChange: parseBoolean(r.required(OADR_NS, 'oadrOnChange').text),
      };
    }
    return {
      rID,
      ...(reportSubject && { reportSubject: this.eiTarget(reportSubject) }),
      ...(reportDataSource && { reportDataSource: this.eiTarget(reportDataSource) }),
      reportType,
      ...(itemBase && { itemBase }),
      readingType,
      ...(marketContext && { marketContext: text(marketContext) }),
      ...(oadrSamplingRate && { oadrSamplingRate }),
    };
  }

  report(el: XmlElement): OadrReport {
    const s = Sequence.of(el);
    const dtstart = s.optional(XCAL_NS, 'dtstart');
    const duration = s.optional(XCAL_NS, 'duration');
    const intervals = s.optional(STRM_NS, 'intervals');
    const eiReportID = s.optional(EI_NS, 'eiReportID');
    const descriptions = list(s.many(OADR_NS, 'oadrReportDescription').map((d) => this.reportDescription(d)));
    const reportRequestID = text(s.required(EI_NS, 'reportRequestID'));
    const reportSpecifierID = text(s.required(EI_NS, 'reportSpecifierID'));
    const reportName = s.optional(EI_NS, 'reportName');
    const createdDateTime = parseDateTime(s.required(EI_NS, 'createdDateTime').text);
    return {
      ...(dtstart && { dtstart: this.dtstart(dtstart) }),
      ...(duration && { duration: this.durationProp(duration) }),
      ...(intervals && { intervals: this.intervals(intervals) }),
      ...(eiReportID && { eiReportID: text(eiReportID) }),
      ...(descriptions && { oadrReportDescription: descriptions }),
      reportRequestID,
      reportSpecifierID,
      ...(reportName && { reportName: token<ReportName>(reportName) }),
      createdDateTime,
    };
  }

  /** The payload element (the child of oadrSignedObject) as a typed payload. */
  payload(el: XmlElement): OadrPayload {
    const s = Sequence.of(el);
    const type = el.local as OadrPayloadType;
    const venID = (): { venID?: string } => {
      const v = s.optional(EI_NS, 'venID');
      return v ? { venID: text(v) } : {};
    };
    const requestID = (): string => text(s.required(PYLD_NS, 'requestID'));
    const eiResponse = (): EiResponse => this.eiResponse(s.required(EI_NS, 'eiResponse'));
    switch (type) {
      case 'oadrDistributeEvent': {
        const response = s.optional(EI_NS, 'eiResponse');
        const req = requestID();
        const vtnID = text(s.required(EI_NS, 'vtnID'));
        const events = list(
          s.many(OADR_NS, 'oadrEvent').map((e) => {
            const es = Sequence.of(e);
            const eiEvent = this.eiEvent(es.required(EI_NS, 'eiEvent'));
            return {
              eiEvent,
              oadrResponseRequired: token<'always' | 'never'>(es.required(OADR_NS, 'oadrResponseRequired')),
            };
          }),
        );
        return {
          type,
          ...(response && { eiResponse: this.eiResponse(response) }),
          requestID: req,
          vtnID,
          ...(events && { oadrEvent: events }),
        };
      }
      case 'oadrCreatedEvent': {
        const c = Sequence.of(s.required(PYLD_NS, 'eiCreatedEvent'));
        const response = this.eiResponse(c.required(EI_NS, 'eiResponse'));
        const responses = c.optional(EI_NS, 'eventResponses');
        const eventResponses = responses
          ? Sequence.of(responses)
              .many(EI_NS, 'eventResponse')
              .map((r) => this.eventResponse(r))
          : undefined;
        return {
          type,
          eiResponse: response,
          ...(eventResponses && { eventResponses }),
          venID: text(c.required(EI_NS, 'venID')),
        };
      }
      case 'oadrRequestEvent': {
        const r = Sequence.of(s.required(PYLD_NS, 'eiRequestEvent'));
        const req = text(r.required(PYLD_NS, 'requestID'));
        const ven = text(r.required(EI_NS, 'venID'));
        const replyLimit = r.optional(PYLD_NS, 'replyLimit');
        return {
          type,
          requestID: req,
          venID: ven,
          ...(replyLimit && { replyLimit: parseUnsignedInt(replyLimit.text) }),
        };
      }
      case 'oadrResponse':
        return { type, eiResponse: eiResponse(), ...venID() };
      case 'oadrCancelOpt':
        return {
          type,
          requestID: requestID(),
          optID: text(s.required(EI_NS, 'optID')),
          venID: text(s.required(EI_NS, 'venID')),
        };
      case 'oadrCanceledOpt': {
        const response = eiResponse();
        const optID = optText(s.optional(EI_NS, 'optID'));
        return { type, eiResponse: response, ...(optID !== undefined && { optID }) };
      }
      case 'oadrCreateOpt': {
        const optID = text(s.required(EI_NS, 'optID'));
        const optType = token<OptType>(s.required(EI_NS, 'optType'));
        const optReason = token<OptReason>(s.required(EI_NS, 'optReason'));
        const marketContext = optText(s.optional(EMIX_NS, 'marketContext'));
        const ven = text(s.required(EI_NS, 'venID'));
        const availability = s.optional(XCAL_NS, 'vavailability');
        const vavailability = availability
          ? Sequence.of(Sequence.of(availability).required(XCAL_NS, 'components'))
              .many(XCAL_NS, 'available')
              .map((a) => this.properties(Sequence.of(a).required(XCAL_NS, 'properties')))
          : undefined;
        const createdDateTime = parseDateTime(s.required(EI_NS, 'createdDateTime').text);
        const req = requestID();
        const qualified = s.optional(EI_NS, 'qualifiedEventID');
        const eiTarget = this.eiTarget(s.required(EI_NS, 'eiTarget'));
        const deviceClass = s.optional(OADR_NS, 'oadrDeviceClass');
        return {
          type,
          optID,
          optType,
          optReason,
          ...(marketContext !== undefined && { marketContext }),
          venID: ven,
          ...(vavailability && { vavailability }),
          createdDateTime,
          requestID: req,
          ...(qualified && { qualifiedEventID: this.qualifiedEventID(qualified) }),
          eiTarget,
          ...(deviceClass && { oadrDeviceClass: this.eiTarget(deviceClass) }),
        };
      }
      case 'oadrCreatedOpt':
        return { type, eiResponse: eiResponse(), optID: text(s.required(EI_NS, 'optID')) };
      case 'oadrCancelReport':
        return { type, ...this.cancelReportBody(s) };
      case 'oadrCanceledReport':
      case 'oadrCreatedReport': {
        const response = eiResponse();
        const oadrPendingReports = Sequence.of(s.required(OADR_NS, 'oadrPendingReports'))
          .many(EI_NS, 'reportRequestID')
          .map(text);
        return { type, eiResponse: response, oadrPendingReports, ...venID() };
      }
      case 'oadrCreateReport': {
        const req = requestID();
        const oadrReportRequest = s.many(OADR_NS, 'oadrReportRequest').map((r) => this.reportRequest(r));
        return { type, requestID: req, oadrReportRequest, ...venID() };
      }
      case 'oadrRegisterReport': {
        const req = requestID();
        const reports = list(s.many(OADR_NS, 'oadrReport').map((r) => this.report(r)));
        const ven = venID();
        const reportRequestID = optText(s.optional(EI_NS, 'reportRequestID'));
        return {
          type,
          requestID: req,
          ...(reports && { oadrReport: reports }),
          ...ven,
          ...(reportRequestID !== undefined && { reportRequestID }),
        };
      }
      case 'oadrRegisteredReport': {
        const response = eiResponse();
        const requests = list(s.many(OADR_NS, 'oadrReportRequest').map((r) => this.reportRequest(r)));
        return { type, eiResponse: response, ...(requests && { oadrReportRequest: requests }), ...venID() };
      }
      case 'oadrUpdateReport': {
        const req = requestID();
        const reports = list(s.many(OADR_NS, 'oadrReport').map((r) => this.report(r)));
        return { type, requestID: req, ...(reports && { oadrReport: reports }), ...venID() };
      }
      case 'oadrUpdatedReport': {
        const response = eiResponse();
        const cancel = s.optional(OADR_NS, 'oadrCancelReport');
        return {
          type,
          eiResponse: response,
          ...(cancel && { oadrCancelReport: this.cancelReportBody(Sequence.of(cancel)) }),
          ...venID(),
        };
      }
      case 'oadrCancelPartyRegistration':
        return { type, requestID: requestID(), registrationID: text(s.required(EI_NS, 'registrationID')), ...venID() };
      case 'oadrCanceledPartyRegistration': {
        const response = eiResponse();
        const registrationID = optText(s.optional(EI_NS, 'registrationID'));
        return { type, eiResponse: response, ...(registrationID !== undefined && { registrationID }), ...venID() };
      }
      case 'oadrCreatePartyRegistration': {
        const req = requestID();
        const registrationID = optText(s.optional(EI_NS, 'registrationID'));
        const ven = venID();
        const oadrProfileName = token<ProfileName>(s.required(OADR_NS, 'oadrProfileName'));
        const oadrTransportName = token<TransportName>(s.required(OADR_NS, 'oadrTransportName'));
        const oadrTransportAddress = optText(s.optional(OADR_NS, 'oadrTransportAddress'));
        const oadrReportOnly = parseBoolean(s.required(OADR_NS, 'oadrReportOnly').text);
        const oadrXmlSignature = parseBoolean(s.required(OADR_NS, 'oadrXmlSignature').text);
        const oadrVenName = optText(s.optional(OADR_NS, 'oadrVenName'));
        const pull = s.optional(OADR_NS, 'oadrHttpPullModel');
        return {
          type,
          requestID: req,
          ...(registrationID !== undefined && { registrationID }),
          ...ven,
          oadrProfileName,
          oadrTransportName,
          ...(oadrTransportAddress !== undefined && { oadrTransportAddress }),
          oadrReportOnly,
          oadrXmlSignature,
          ...(oadrVenName !== undefined && { oadrVenName }),
          ...(pull && { oadrHttpPullModel: parseBoolean(pull.text) }),
        };
      }
      case 'oadrCreatedPartyRegistration': {
        const response = eiResponse();
        const registrationID = optText(s.optional(EI_NS, 'registrationID'));
        const ven = venID();
        const vtnID = text(s.required(EI_NS, 'vtnID'));
        const oadrProfiles = Sequence.of(s.required(OADR_NS, 'oadrProfiles'))
          .many(OADR_NS, 'oadrProfile')
          .map((p) => {
            const ps = Sequence.of(p);
            const oadrProfileName = token<ProfileName>(ps.required(OADR_NS, 'oadrProfileName'));
            const oadrTransports = Sequence.of(ps.required(OADR_NS, 'oadrTransports'))
              .many(OADR_NS, 'oadrTransport')
              .map((t) => token<TransportName>(Sequence.of(t).required(OADR_NS, 'oadrTransportName')));
            return { oadrProfileName, oadrTransports };
          });
        const pollFreq = s.optional(OADR_NS, 'oadrRequestedOadrPollFreq');
        const info = s.optional(OADR_NS, 'oadrServiceSpecificInfo');
        const oadrServiceSpecificInfo = info
          ? Sequence.of(info)
              .many(OADR_NS, 'oadrService')
              .map((svc) => {
                const ss = Sequence.of(svc);
                return {
                  oadrServiceName: token<ServiceName>(ss.required(OADR_NS, 'oadrServiceName')),
                  oadrInfo: ss.many(OADR_NS, 'oadrInfo').map(oadrInfo),
                };
              })
          : undefined;
        const extensions = s.optional(OADR_NS, 'oadrExtensions');
        const oadrExtensions = extensions
          ? Sequence.of(extensions)
              .many(OADR_NS, 'oadrExtension')
              .map((ext) => {
                const es = Sequence.of(ext);
                const oadrExtensionName = text(es.required(OADR_NS, 'oadrExtensionName'));
                const infos = list(es.many(OADR_NS, 'oadrInfo').map(oadrInfo));
                return { oadrExtensionName, ...(infos && { oadrInfo: infos }) };
              })
          : undefined;
        return {
          type,
          eiResponse: response,
          ...(registrationID !== undefined && { registrationID }),
          ...ven,
          vtnID,
          oadrProfiles,
          ...(pollFreq && { oadrRequestedOadrPollFreq: this.durationProp(pollFreq) }),
          ...(oadrServiceSpecificInfo && { oadrServiceSpecificInfo }),
          ...(oadrExtensions && { oadrExtensions }),
        };
      }
      case 'oadrRequestReregistration':
        return { type, venID: text(s.required(EI_NS, 'venID')) };
      case 'oadrQueryRegistration':
        return { type, requestID: requestID() };
      case 'oadrPoll':
        return { type, venID: text(s.required(EI_NS, 'venID')) };
    }
  }

  private cancelReportBody(s: Sequence): {
    requestID: string;
    reportRequestID: string[];
    reportToFollow: boolean;
    venID?: string;
  } {
    const requestID = text(s.required(PYLD_NS, 'requestID'));
    const reportRequestID = s.many(EI_NS, 'reportRequestID').map(text);
    const reportToFollow = parseBoolean(s.required(PYLD_NS, 'reportToFollow').text);
    const venID = optText(s.optional(EI_NS, 'venID'));
    return { requestID, reportRequestID, reportToFollow, ...(venID !== undefined && { venID }) };
  }
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

function oadrInfo(el: XmlElement): { oadrKey: string; oadrValue: string } {
  const s = Sequence.of(el);
  return { oadrKey: text(s.required(OADR_NS, 'oadrKey')), oadrValue: text(s.required(OADR_NS, 'oadrValue')) };
}

/** xs:token values: whitespace collapsed, as the schema compares them. */
function collapsed(value: string): string {
  return trimmed(value).replace(/[ \t\n\r]+/g, ' ');
}

/** An enumerated token; the schema has already checked it is one of T's values. */
function token<T extends string>(el: XmlElement): T {
  return collapsed(el.text) as T;
}

/** Prefixes for Green Button content carried as XML. */
const FOREIGN_PREFIXES: ReadonlyMap<string, string> = new Map([
  [ATOM_NS, 'atom'],
  [GB_NS, 'espi'],
]);
