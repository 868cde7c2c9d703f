import type { FrameView } from './api';

/*
 * What the debugger derives from frames for display: which ReceptionStatus answers which message (and with what
 * status), the chart's series, and the timeline's filters. Display only; the findings come from the analyzer.
 */

export interface Pairing {
  /** For a ReceptionStatus: the seq of the message it answers. */
  answers?: number;
  /** For a message: its answer's seq and status. */
  answeredBy?: { seq: number; status: string };
}

function messageOf(frame: FrameView): Record<string, unknown> | undefined {
  const message = frame.message;
  return typeof message === 'object' && message !== null && !Array.isArray(message)
    ? (message as Record<string, unknown>)
    : undefined;
}

/** Pairs answers with their messages as frames arrive: each side's message_ids, answered by the other side. */
export class ReceptionPairing {
  private readonly sent = { 'rm->cem': new Map<string, number>(), 'cem->rm': new Map<string, number>() };
  readonly bySeq = new Map<number, Pairing>();

  add(frame: FrameView): void {
    const message = messageOf(frame);
    if (!message) return;
    if (message['message_type'] === 'ReceptionStatus') {
      const other = frame.direction === 'rm->cem' ? 'cem->rm' : 'rm->cem';
      const subject = this.sent[other].get(String(message['subject_message_id']));
      if (subject === undefined) return;
      this.bySeq.set(frame.seq, { answers: subject });
      const earlier = this.bySeq.get(subject) ?? {};
      if (!earlier.answeredBy)
        this.bySeq.set(subject, { ...earlier, answeredBy: { seq: frame.seq, status: String(message['status']) } });
    } else if (typeof message['message_id'] === 'string' && !this.sent[frame.direction].has(message['message_id'])) {
      this.sent[frame.direction].set(message['message_id'], frame.seq);
    }
  }
}

export type Point = readonly [number, number];

/** PowerMeasurement values and PowerForecast expectations per commodity quantity, over time. */
export class PowerSeries {
  readonly measured = new Map<string, Point[]>();
  readonly forecast = new Map<string, Point[]>();

  add(frame: FrameView): void {
    const message = messageOf(frame);
    if (!message || frame.findings.some((f) => f.level === 'schema')) return;
    if (message['message_type'] === 'PowerMeasurement') {
      const at = Date.parse(String(message['measurement_timestamp']));
      for (const value of (message['values'] as Array<{ commodity_quantity: string; value: number }>) ?? [])
        push(this.measured, value.commodity_quantity, [at, value.value]);
    } else if (message['message_type'] === 'PowerForecast') {
      let at = Date.parse(String(message['start_time']));
      for (const element of (message['elements'] as Array<{
        duration: number;
        power_values: Array<{ commodity_quantity: string; value_expected: number }>;
      }>) ?? []) {
        for (const value of element.power_values)
          push(this.forecast, value.commodity_quantity, [at, value.value_expected]);
        at += element.duration;
      }
    }
  }
}

function push(series: Map<string, Point[]>, key: string, point: Point): void {
  const points = series.get(key) ?? [];
  points.push(point);
  series.set(key, points);
}

export interface TimelineFilter {
  type: string;
  direction: '' | 'rm->cem' | 'cem->rm';
  withFindings: boolean;
  search: string;
}

export function matches(frame: FrameView, filter: TimelineFilter): boolean {
  if (filter.type && frame.messageType !== filter.type) return false;
  if (filter.direction && frame.direction !== filter.direction) return false;
  if (filter.withFindings && frame.findings.length === 0) return false;
  if (filter.search) {
    const text = frame.raw ?? JSON.stringify(frame.message);
    if (!text.toLowerCase().includes(filter.search.toLowerCase())) return false;
  }
  return true;
}
