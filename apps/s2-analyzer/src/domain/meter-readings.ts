/*
 * meter.readings from S2 PowerMeasurements (DESIGN.md "meter.readings"): a writer of point samples emits the span
 * from its previous sample of the same meter to this one, with powerW = round(previous power) and energyWh =
 * round(previous power × span). One meter per pair and commodity quantity: `<cemId>:<rmId>:<quantity>`; the
 * previous sample may come from an earlier session of the pair, so the samples outlive sessions (and restarts:
 * they are stored).
 */

export interface MeterReadingRow {
  meterId: string;
  /** Epoch ms of the previous sample's measurement_timestamp. */
  startTime: number;
  /** Epoch ms of this sample's measurement_timestamp. */
  endTime: number;
  powerW: number;
  energyWh: number;
  sessionId: string;
  seq: number;
}

export interface MeterSample {
  meterId: string;
  sampledAt: number;
  powerW: number;
}

/** The members of an applied PowerMeasurement that readings use (it passed its schema). */
export interface MeasuredValues {
  measurement_timestamp: string;
  values: ReadonlyArray<{ commodity_quantity: string; value: number }>;
}

const MS_PER_HOUR = 3_600_000;

export class MeterSamples {
  private readonly latest = new Map<string, MeterSample>();
  private readonly changed = new Map<string, MeterSample>();

  /** The samples stored before a restart. */
  load(samples: Iterable<MeterSample>): void {
    for (const sample of samples) this.latest.set(sample.meterId, sample);
  }

  /**
   * Readings for one applied PowerMeasurement: one per quantity that has a previous, earlier sample. A sample
   * at or before the previous one (a device clock that went back) starts the meter afresh without a reading.
   */
  take(cemId: string, rmId: string, sessionId: string, seq: number, measurement: MeasuredValues): MeterReadingRow[] {
    const sampledAt = Date.parse(measurement.measurement_timestamp);
    if (!Number.isFinite(sampledAt)) return [];
    const readings: MeterReadingRow[] = [];
    for (const { commodity_quantity: quantity, value } of measurement.values) {
      const meterId = `${cemId}:${rmId}:${quantity}`;
      const previous = this.latest.get(meterId);
      if (previous && sampledAt > previous.sampledAt) {
        readings.push({
          meterId,
          startTime: previous.sampledAt,
          endTime: sampledAt,
          powerW: Math.round(previous.powerW),
          energyWh: Math.round((previous.powerW * (sampledAt - previous.sampledAt)) / MS_PER_HOUR),
          sessionId,
          seq,
        });
      }
      if (!previous || sampledAt !== previous.sampledAt) {
        const sample = { meterId, sampledAt, powerW: value };
        this.latest.set(meterId, sample);
        this.changed.set(meterId, sample);
      }
    }
    return readings;
  }

  /** Samples changed since the last call, for the store. */
  takeChanged(): MeterSample[] {
    const changed = [...this.changed.values()];
    this.changed.clear();
    return changed;
  }
}
