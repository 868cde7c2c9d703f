import { examples, without } from './examples.test-util';
import { catalog, ContractValidator } from './index';

const validator = new ContractValidator(catalog);
const accepted = examples['powermatcher.bids']['powermatcher.bid.accepted'].data;
const aggregated = examples['powermatcher.bids']['powermatcher.bid.aggregated'].data;
const price = examples['powermatcher.prices']['powermatcher.price.published'].data;
const bid = (data: unknown) => validator.check('powermatcher.bids', 'powermatcher.bid.accepted', 'pv-roof-1', data);

describe('powermatcher.bids', () => {
  it('refuses a market basis with fewer than 2 price steps (PM-MB-1 row 5, ours)', () => {
    expect(bid({ ...accepted, marketBasis: { ...accepted.marketBasis, priceSteps: 1 } })).toEqual({
      ok: false,
      reason: 'powermatcher.bid.accepted data /marketBasis/priceSteps must be >= 2',
    });
  });

  it('refuses a demand beyond 1e12 W in an entering bid (PM-BID-1 row 3), but not in an aggregate', () => {
    expect(bid({ ...accepted, demand: [2e12, 0, -120.5] })).toEqual({
      ok: false,
      reason: 'powermatcher.bid.accepted data /demand/0 must be <= 1000000000000',
    });
    expect(
      validator.check('powermatcher.bids', 'powermatcher.bid.aggregated', 'auctioneer', {
        ...aggregated,
        demand: [2e12, 0, -3e12],
      }),
    ).toEqual({ ok: true });
  });

  it('keeps bid numbers within int32 (§10)', () => {
    expect(bid({ ...accepted, bidNumber: 2 ** 31 })).toEqual({
      ok: false,
      reason: 'powermatcher.bid.accepted data /bidNumber must be <= 2147483647',
    });
    expect(bid({ ...accepted, bidNumber: -(2 ** 31) })).toEqual({ ok: true });
    expect(bid({ ...accepted, bidNumber: 12.5 })).toEqual({
      ok: false,
      reason: 'powermatcher.bid.accepted data /bidNumber must be integer',
    });
  });

  it("carries the agent's price points next to the converted demand array (§3.2)", () => {
    const points = {
      ...accepted,
      pricePoints: [
        { price: 3, demand: 500 },
        { price: 7, demand: -500 },
      ],
    };
    expect(bid(points)).toEqual({ ok: true });
    expect(bid({ ...points, pricePoints: [{ price: 3, power: 500 }] })).toEqual({
      ok: false,
      reason: "powermatcher.bid.accepted data /pricePoints/0 must have required property 'demand'",
    });
    expect(bid({ ...points, pricePoints: [] })).toEqual({
      ok: false,
      reason: 'powermatcher.bid.accepted data /pricePoints must NOT have fewer than 1 items',
    });
  });

  it('requires the session the bid came in on (references carry the session, §9 D9)', () => {
    const noSession = without(accepted, 'sessionId');
    expect(bid(noSession)).toEqual({
      ok: false,
      reason: "powermatcher.bid.accepted data / must have required property 'sessionId'",
    });
  });

  it('maps agent ids to integer bid numbers in the aggregate references', () => {
    expect(
      validator.check('powermatcher.bids', 'powermatcher.bid.aggregated', 'auctioneer', {
        ...aggregated,
        agentBidReferences: { 'pv-roof-1': '12' },
      }),
    ).toEqual({ ok: false, reason: 'powermatcher.bid.aggregated data /agentBidReferences/pv-roof-1 must be integer' });
  });

  it('accepts a concentrator run with the bid it sent', () => {
    const run = { ...aggregated, matcherId: 'concentrator-1', sentBidNumber: 3, sentDemand: [100, 100, -100] };
    expect(validator.check('powermatcher.bids', 'powermatcher.bid.aggregated', 'concentrator-1', run)).toEqual({
      ok: true,
    });
  });

  it('keys accepted bids by the sending agent and aggregates by the matcher', () => {
    expect(validator.check('powermatcher.bids', 'powermatcher.bid.accepted', 'auctioneer', accepted)).toEqual({
      ok: false,
      reason: 'record key "auctioneer" differs from agentId "pv-roof-1"',
    });
    expect(validator.check('powermatcher.bids', 'powermatcher.bid.aggregated', 'pv-roof-1', aggregated)).toEqual({
      ok: false,
      reason: 'record key "pv-roof-1" differs from matcherId "auctioneer"',
    });
  });
});

describe('powermatcher.prices', () => {
  const published = (data: unknown) =>
    validator.check('powermatcher.prices', 'powermatcher.price.published', 'demo', data);

  it('refuses a price given as text and a negative price index', () => {
    expect(published({ ...price, price: '5.000004979248153' })).toEqual({
      ok: false,
      reason: 'powermatcher.price.published data /price must be number',
    });
    expect(published({ ...price, priceIndex: -1 })).toEqual({
      ok: false,
      reason: 'powermatcher.price.published data /priceIndex must be >= 0',
    });
  });

  it('requires the round and refuses fields of the websocket PRICE_UPDATE', () => {
    const noRound = without(price, 'round');
    expect(published(noRound)).toEqual({
      ok: false,
      reason: "powermatcher.price.published data / must have required property 'round'",
    });
    expect(published({ ...price, priceValue: price.price })).toEqual({
      ok: false,
      reason: 'powermatcher.price.published data /priceValue is not an allowed property',
    });
  });
});
