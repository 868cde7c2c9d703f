import type { EventDataOf, EventTypeOf, OpenadrEventCreated } from './types';
import type { catalog } from './catalog';

/**
 * One valid record per (topic, event type), built from the specs' own examples and fields. catalog.spec.ts
 * checks that every event type of the catalog has one and that it passes; the family specs derive their
 * invalid records from these.
 */
type Example<T extends keyof typeof catalog, E extends EventTypeOf<T>> = { key: string; data: EventDataOf<T, E> };
type Examples = { [T in keyof typeof catalog]: { [E in EventTypeOf<T>]: Example<T, E> } };

// ---- OpenADR (SPEC §5.1 example body: SIMPLE levels 1 and 2 for 30 min each, ramp-up 10 min, for ven-a) ----

const T_EVENT = '2030-05-01T12:00:00.000Z';
const openadrEvent: OpenadrEventCreated = {
  eventId: 'evt-2030-05-01',
  modificationNumber: 0,
  modificationDateTime: '2030-04-30T08:00:00.000Z',
  createdDateTime: '2030-04-30T08:00:00.000Z',
  marketContext: 'http://flexgrid.local/programs/default',
  priority: 0,
  testEvent: false,
  responseRequired: 'always',
  cancelled: false,
  activePeriod: {
    start: T_EVENT,
    durationSeconds: 3600,
    rampUpSeconds: 600,
    recoverySeconds: 0,
    notificationSeconds: 0,
    startAfterSeconds: 0,
  },
  signals: [
    {
      signalId: '2f1c8f4e-4f3a-4d7e-9a51-2f0e6c1d9b10',
      name: 'SIMPLE',
      type: 'level',
      intervals: [
        { uid: 0, start: T_EVENT, durationSeconds: 1800, value: 1 },
        { uid: 1, start: '2030-05-01T12:30:00.000Z', durationSeconds: 1800, value: 2 },
      ],
    },
  ],
  targets: { venIds: ['ven-a'] },
};

// P2P-L6: the wallet pays floor(30 / 25) · 25 = 25 with reference = consumerId.
const walletPayment = {
  paymentId: 'HOUSE0001:payment:1',
  from: 'HOUSE0001',
  to: 'POCGRID01',
  amount: 25,
  currency: 'IOTA',
  reference: 'HOUSE0001',
  sentAt: 1_800_000_316_000,
};

// Run 2 pays round 1: SUNFARM01 floor(40 · 9750 / 16000) = 24; the confirmation repeats the payout.
const payoutRound2 = {
  paymentId: 'POCGRID01:payout:2:SUNFARM01',
  gridId: 'POCGRID01',
  producerId: 'SUNFARM01',
  from: 'POCGRID01',
  to: 'SUNFARM01',
  amount: 24,
  currency: 'IOTA',
  reference: 'POCGRID01:run:2',
  sentAt: 1_800_000_330_000,
};

export const examples: Examples = {
  'openadr.events': {
    'openadr.event.created': { key: 'evt-2030-05-01', data: openadrEvent },
    'openadr.event.modified': {
      key: 'evt-2030-05-01',
      data: {
        ...openadrEvent,
        modificationNumber: 1,
        modificationDateTime: '2030-04-30T09:15:00.000Z',
        modificationReason: 'price signal added',
        priority: 1,
        signals: [
          ...openadrEvent.signals,
          {
            signalId: 'price-1',
            name: 'ELECTRICITY_PRICE',
            type: 'price',
            units: { item: 'currencyPerKWh', units: 'EUR', scale: 'none' },
            intervals: [{ uid: 0, start: T_EVENT, durationSeconds: 3600, value: 0.31 }],
          },
        ],
      },
    },
    'openadr.event.cancelled': {
      key: 'evt-2030-05-01',
      data: {
        ...openadrEvent,
        modificationNumber: 2,
        modificationDateTime: '2030-04-30T10:00:00.000Z',
        cancelled: true,
      },
    },
  },
  'openadr.opt': {
    'openadr.opt.event-response': {
      key: 'evt-2030-05-01',
      data: {
        venId: 'ven-a',
        eventId: 'evt-2030-05-01',
        modificationNumber: 0,
        currentModificationNumber: 0,
        stale: false,
        optType: 'optIn',
        responseCode: '200',
        source: 'createdEvent',
        receivedAt: '2030-04-30T08:00:10.000Z',
      },
    },
    'openadr.opt.schedule': {
      key: 'ven-a',
      data: {
        venId: 'ven-a',
        optId: 'opt-7',
        optType: 'optOut',
        optReason: 'x-schedule',
        marketContext: 'http://flexgrid.local/programs/default',
        periods: [{ start: '2030-05-02T06:00:00.000Z', end: '2030-05-02T08:00:00.000Z' }],
        resourceIds: ['resource-1'],
        deviceClassMrids: ['Thermostat'],
        receivedAt: '2030-04-30T08:01:00.000Z',
      },
    },
    'openadr.opt.cancelled': {
      key: 'evt-2030-05-01',
      data: { venId: 'ven-a', optId: 'opt-3', eventId: 'evt-2030-05-01', receivedAt: '2030-04-30T08:02:00.000Z' },
    },
  },
  'openadr.ven-status': {
    'openadr.ven.registered': {
      key: 'ven-a',
      data: {
        venId: 'ven-a',
        venName: 'Warehouse A',
        registrationId: '8d0e4c57-5b0d-4b9c-9b0e-3c1f7f1d2a64',
        at: '2030-04-30T07:59:00.000Z',
        pollFreqSeconds: 10,
      },
    },
    'openadr.ven.deregistered': {
      key: 'ven-a',
      data: { venId: 'ven-a', at: '2030-05-03T00:00:00.000Z', reason: 'cancelled by the VEN' },
    },
    'openadr.ven.online': {
      key: 'ven-a',
      data: { venId: 'ven-a', at: '2030-04-30T07:59:00.000Z', lastSeen: '2030-04-30T07:59:00.000Z' },
    },
    // §9 example: P_v = 10 s, last request 12:00:00.000 → offline, detected by the first sweep after 12:00:30.000.
    'openadr.ven.offline': {
      key: 'ven-a',
      data: { venId: 'ven-a', lastSeen: '2030-05-01T12:00:00.000Z', at: '2030-05-01T12:00:31.000Z' },
    },
  },

  // ---- PowerMatcher (SPEC §7.3 examples: basis 3 steps 0 … 10, cluster `demo`) -----------------------------
  'powermatcher.bids': {
    'powermatcher.bid.accepted': {
      key: 'pv-roof-1',
      data: {
        clusterId: 'demo',
        agentId: 'pv-roof-1',
        parentId: 'auctioneer',
        sessionId: '0b6f3a5e-8f5c-4c1b-9a0e-6d2f3c4b5a69',
        bidNumber: 12,
        marketBasis: { commodity: 'electricity', currency: 'EUR', priceSteps: 3, minimumPrice: 0, maximumPrice: 10 },
        demand: [2500.0, 1.2e-4, -120.5],
        receivedAt: '2030-05-01T12:00:00.120Z',
      },
    },
    'powermatcher.bid.aggregated': {
      key: 'auctioneer',
      data: {
        clusterId: 'demo',
        matcherId: 'auctioneer',
        run: 7,
        demand: [2500.0, 1.2e-4, -120.5],
        agentBidReferences: { 'pv-roof-1': 12 },
        at: '2030-05-01T12:00:00.125Z',
      },
    },
  },
  'powermatcher.prices': {
    'powermatcher.price.published': {
      key: 'demo',
      data: {
        clusterId: 'demo',
        round: 7,
        price: 5.000004979248153,
        priceIndex: 1,
        marketBasis: { commodity: 'electricity', currency: 'EUR', priceSteps: 3, minimumPrice: 0, maximumPrice: 10 },
        bidNumbers: { 'pv-roof-1': 12 },
        at: '2030-05-01T12:00:00.125Z',
      },
    },
  },

  // ---- S2 (RULES §13 worked example, OMBC) -------------------------------------------------------------------
  's2.frames': {
    's2.frame.observed': {
      key: 'session-13',
      data: {
        sessionId: 'session-13',
        seq: 11,
        t: 50,
        direction: 'rm->cem',
        receivedAt: '2030-05-01T12:00:00.050Z',
        message: {
          message_type: 'OMBC.Status',
          message_id: 'r3',
          active_operation_mode_id: 'eco',
          operation_mode_factor: 1,
        },
        findings: [
          {
            seq: 11,
            rule: 'S2-SEM-PRECONDITION',
            level: 'semantic',
            severity: 'error',
            detail: 'OMBC.Status before any OMBC.SystemDescription',
            path: '/message_type',
          },
        ],
      },
    },
    's2.session.ended': {
      key: 'session-13',
      data: {
        sessionId: 'session-13',
        endedAt: '2030-05-01T12:00:06.300Z',
        findings: [
          {
            seq: 19,
            rule: 'S2-RS-MISSING',
            level: 'state',
            severity: 'error',
            detail: 'FRBC.StorageStatus r6 got no ReceptionStatus',
            path: '/message_id',
          },
        ],
        state: {
          phase: 'ended',
          handshake: {
            rm: { seq: 3, role: 'RM', supportedProtocolVersions: ['0.0.2-beta'] },
            cem: { seq: 1, role: 'CEM', supportedProtocolVersions: ['0.0.2-beta'] },
            response: { seq: 5, selectedProtocolVersion: '0.0.2-beta' },
          },
          selectedProtocolVersion: '0.0.2-beta',
          resourceManagerDetails: {
            seq: 7,
            message: {
              message_type: 'ResourceManagerDetails',
              message_id: 'r2',
              available_control_types: ['OPERATION_MODE_BASED_CONTROL', 'NOT_CONTROLABLE'],
              provides_power_measurement_types: ['ELECTRIC.POWER.3_PHASE_SYMMETRIC'],
            },
          },
          activeControlType: 'OPERATION_MODE_BASED_CONTROL',
          controlTypeHistory: [{ seq: 9, from: 'NO_SELECTION', to: 'OPERATION_MODE_BASED_CONTROL' }],
          systemDescription: {
            seq: 13,
            messageType: 'OMBC.SystemDescription',
            message: { message_type: 'OMBC.SystemDescription', message_id: 'r4' },
          },
          statuses: {
            device: { seq: 11, messageType: 'OMBC.Status', message: { message_type: 'OMBC.Status', message_id: 'r3' } },
          },
          forecasts: {},
          lastPowerMeasurement: { seq: 17, t: 80, message: { message_type: 'PowerMeasurement', message_id: 'r5' } },
          instructions: { i1: { seq: 15, messageType: 'OMBC.Instruction', status: null, statusSeq: null } },
          openInstructions: ['i1'],
          pendingReceptionStatus: [],
          terminated: { seq: 20, side: 'RM', request: 'TERMINATE' },
          summary: {
            frames: 21,
            verdict: 'invalid',
            schemaValid: true,
            counts: { error: 4, warning: 1, schema: 0, state: 3, semantic: 2, strict: 0 },
          },
        },
      },
    },
  },

  // ---- meter.readings (DESIGN.md record, OpenADR RP-13, P2P §3.1) ------------------------------------------
  'meter.readings': {
    'meter.reading': {
      key: 'ven-a:rid-usage',
      data: {
        meterId: 'ven-a:rid-usage',
        startTime: 1_800_000_000_000,
        endTime: 1_800_000_060_000,
        energyWh: 750,
        quality: 'measured',
        revision: 0,
        source: 'openadr-vtn',
        origin: { venId: 'ven-a', reportRequestId: 'rr-1', reportSpecifierId: 'TELEMETRY_USAGE', rId: 'rid-usage' },
      },
    },
    'channel.hello': {
      key: 'PANEL0001',
      data: {
        command: 'hello',
        meterId: 'PANEL0001',
        sideKeyHash: 'n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg',
        sentAt: 1_799_999_990_000,
      },
    },
    'channel.goodbye': {
      key: 'PANEL0001',
      data: { command: 'goodbye', meterId: 'PANEL0001', sentAt: 1_800_000_400_000 },
    },
  },

  // ---- P2P (SPEC §11.3 PoC chain, T0 = 1 800 000 000 000; §9.4 community example) ---------------------------
  'p2p.producer-output': {
    'channel.hello': {
      key: 'SUNFARM01',
      data: {
        command: 'hello',
        producerId: 'SUNFARM01',
        sideKeyHash: 'n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg',
        sentAt: 1_799_999_990_000,
      },
    },
    'channel.goodbye': {
      key: 'SUNFARM01',
      data: { command: 'goodbye', producerId: 'SUNFARM01', sentAt: 1_800_000_400_000 },
    },
    'producer.output': {
      key: 'SUNFARM01',
      data: {
        command: 'output',
        producerId: 'SUNFARM01',
        startTime: 1_800_000_000_001,
        endTime: 1_800_000_030_000,
        bounds: 'inclusive',
        outputWh: 4500,
        output: 4.5,
        producerPrice: 4,
        producerPricePerMWh: 4000,
        paymentIdOrAddress: 'SUNFARM01',
        quality: 'measured',
        complete: true,
        missingSources: [],
        partialSources: [],
        revision: 0,
        publishedAt: 1_800_000_180_000,
        profile: 'poc',
      },
    },
  },
  'p2p.payment-requests': {
    'channel.hello': {
      key: 'HOUSE0001',
      data: {
        command: 'hello',
        consumerId: 'HOUSE0001',
        gridId: 'POCGRID01',
        verificationKey: 'D04FgP8n2xY8vQZVYxq5Ld7BvRwm0YpG7sR2TzE1a9k',
        sentAt: 1_799_999_000_000,
      },
    },
    'channel.goodbye': {
      key: 'HOUSE0001',
      data: { command: 'goodbye', consumerId: 'HOUSE0001', gridId: 'POCGRID01', sentAt: 1_800_001_000_000 },
    },
    // Round 1: HOUSE0001 used 6750 Wh in windows 0 and 1 → 6 whole kWh at 5 each.
    'payment.request': {
      key: 'HOUSE0001',
      data: {
        command: 'payment-request',
        requestId: 'POCGRID01:HOUSE0001:1',
        seq: 1,
        gridId: 'POCGRID01',
        consumerId: 'HOUSE0001',
        owed: 30,
        usageWh: 6000,
        usage: 6,
        outstanding: 30,
        currency: 'IOTA',
        paymentIdOrAddress: 'POCGRID01',
        entries: { fromSeq: 1, toSeq: 2 },
        intervals: { fromStart: 1_800_000_000_000, toStart: 1_800_000_030_000 },
        issuedAt: 1_800_000_315_000,
      },
    },
  },
  'p2p.payments': {
    'payment.sent': {
      key: 'HOUSE0001:payment:1',
      data: walletPayment,
    },
    'payment.confirmed': {
      key: 'HOUSE0001:payment:1',
      data: { ...walletPayment, confirmedAt: 1_800_000_316_000 },
    },
    'payout.sent': {
      key: 'POCGRID01:payout:2:SUNFARM01',
      data: payoutRound2,
    },
    'payout.confirmed': {
      key: 'POCGRID01:payout:2:SUNFARM01',
      data: { ...payoutRound2, confirmedAt: 1_800_000_331_000 },
    },
  },
  'p2p.settlements': {
    // §9.4 interval A: P 1801, C 2300, M 1801; covered 705 / 1096, sold 1234 / 567; FLAT00003 missing.
    'settlement.interval': {
      key: 'COMMUNITY1',
      data: {
        gridId: 'COMMUNITY1',
        intervalStart: 1_800_000_000_000,
        intervalEnd: 1_800_000_900_000,
        version: 1,
        supersedes: null,
        settledAt: 1_800_001_560_000,
        asOf: 1_800_001_560_000,
        runNo: 27,
        profile: 'community',
        rule: { name: 'community-fixed', version: 1, params: { consumerPricePerKwh: 25, feePerKwh: 5 } },
        inputsHash: '3f79bb7b435b05321651daefd374cdc681dc06faa65e374e38337b88ca046dea',
        inputs: [
          {
            id: 'FLAT00001',
            role: 'consumer',
            energyWh: 900,
            quality: 'measured',
            revision: 0,
            coverageMs: 900_000,
            status: 'present',
            producerPricePerMWh: null,
          },
          {
            id: 'FLAT00002',
            role: 'consumer',
            energyWh: 1400,
            quality: 'measured',
            revision: 0,
            coverageMs: 900_000,
            status: 'present',
            producerPricePerMWh: null,
          },
          {
            id: 'FLAT00003',
            role: 'consumer',
            energyWh: null,
            quality: null,
            revision: null,
            coverageMs: 0,
            status: 'missing',
            producerPricePerMWh: null,
          },
          {
            id: 'PVROOF001',
            role: 'producer',
            energyWh: 1234,
            quality: 'measured',
            revision: 0,
            coverageMs: 900_000,
            status: 'present',
            producerPricePerMWh: 20000,
          },
          {
            id: 'PVROOF002',
            role: 'producer',
            energyWh: 567,
            quality: 'measured',
            revision: 0,
            coverageMs: 900_000,
            status: 'present',
            producerPricePerMWh: 20000,
          },
        ],
        prices: { consumerPerMWh: 25000, producerPerMWh: 20000, producerExact: '20000' },
        totals: { producedWh: 1801, consumedWh: 2300, matchedWh: 1801, importWh: 499, exportWh: 0 },
        lines: [
          {
            id: 'FLAT00001',
            role: 'consumer',
            status: 'present',
            energyWh: 900,
            matchedWh: 705,
            billedWh: 705,
            units: 705,
            amount: 17,
            entryId: 'FLAT00001:1',
          },
          {
            id: 'FLAT00002',
            role: 'consumer',
            status: 'present',
            energyWh: 1400,
            matchedWh: 1096,
            billedWh: 1096,
            units: 1096,
            amount: 27,
            entryId: 'FLAT00002:1',
          },
          {
            id: 'FLAT00003',
            role: 'consumer',
            status: 'missing',
            energyWh: null,
            matchedWh: null,
            billedWh: 0,
            units: 0,
            amount: 0,
            entryId: null,
          },
          {
            id: 'PVROOF001',
            role: 'producer',
            status: 'present',
            energyWh: 1234,
            matchedWh: 1234,
            billedWh: 0,
            units: 0,
            amount: 24,
            entryId: 'PVROOF001:1',
          },
          {
            id: 'PVROOF002',
            role: 'producer',
            status: 'present',
            energyWh: 567,
            matchedWh: 567,
            billedWh: 0,
            units: 0,
            amount: 11,
            entryId: 'PVROOF002:1',
          },
        ],
        gridLine: 9,
        complete: false,
        gaps: ['FLAT00003'],
      },
    },
    // FLAT00003's reading for A arrives after A is final: an adjustment based on version 1.
    'settlement.adjustment': {
      key: 'COMMUNITY1',
      data: {
        gridId: 'COMMUNITY1',
        intervalStart: 1_800_000_000_000,
        adjustmentNo: 1,
        basedOn: 'v1',
        reason: 'inputs-changed',
        inputs: [
          {
            id: 'FLAT00003',
            role: 'consumer',
            energyWh: 300,
            quality: 'measured',
            revision: 0,
            coverageMs: 900_000,
            status: 'present',
            producerPricePerMWh: null,
          },
        ],
        totals: { producedWh: 1801, consumedWh: 2600, matchedWh: 1801, importWh: 799, exportWh: 0 },
        lines: [
          {
            id: 'FLAT00003',
            role: 'consumer',
            status: 'present',
            energyWh: 300,
            matchedWh: 208,
            billedWh: 208,
            units: 208,
            amount: 5,
            entryId: 'FLAT00003:1',
          },
        ],
      },
    },
    'settlement.finalised': {
      key: 'COMMUNITY1',
      data: { gridId: 'COMMUNITY1', intervalStart: 1_800_000_000_000, version: 1, finalisedAt: 1_800_173_700_000 },
    },
  },

  'flexgrid.outbox-checkpoints': {},
};

/** A copy of `record` without `keys`: the same record with required fields missing. */
export function without<T extends object>(record: T, ...keys: (keyof T & string)[]): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...(record as Record<string, unknown>) };
  for (const key of keys) delete copy[key];
  return copy;
}
