import { loadConfig } from '@flexgrid/platform-service';
import { checkClusterConfiguration } from './app';
import { auctioneerEnv, auctioneerSettings, SettingsError } from './config';

const settingsOf = (env: Record<string, string>) => auctioneerSettings(loadConfig(auctioneerEnv, env));

describe('configuration (PM-SVC-4)', () => {
  it('PM-SVC-4: the defaults are v2.1 auctioneer defaults', () => {
    const settings = settingsOf({});
    expect(settings.role).toEqual({ kind: 'auctioneer', auctioneerId: 'auctioneer', clusterId: 'DefaultCluster' });
    expect(settings.marketBasis).toEqual({
      commodity: 'electricity',
      currency: 'EUR',
      priceSteps: 100,
      minimumPrice: 0,
      maximumPrice: 1,
    });
    expect(settings).toMatchObject({
      minTimeBetweenPriceUpdatesMs: 1000,
      v21ParentId: 'auctioneer',
      agentAuth: { mode: 'none' },
      pingIntervalMs: 15_000,
      livenessTimeoutMs: 45_000,
      bidTtlMs: 0,
      maxFrameBytes: 1_048_576,
      maxConnections: 20_000,
      inboundLimits: { bidsPerSecond: 2, bidBurst: 10, maxErrorsPerMinute: 60 },
    });
    expect(settings.objective).toMatchObject({ agentId: 'objective', simpleLevelsW: [0, 1000, 2000, 4000] });
  });

  it.each([
    [{ PM_MIN_PRICE: '5', PM_MAX_PRICE: '1' }, 'market basis: Maximum price must be > minimum price.'],
    [{ PM_MAX_PRICE: 'lots' }, 'PM_MAX_PRICE must be a finite number'],
    [{ PM_CONCENTRATORS: '{"id":"a"}' }, 'PM_CONCENTRATORS must be a JSON array'],
    [{ PM_CONCENTRATORS: '[{"id":"a b","parentId":"auctioneer"}]' }, 'PM_CONCENTRATORS[0].id is not a valid id'],
    [{ PM_AGENT_AUTH: 'token', PM_AGENT_TOKENS: '{"a":"secret"}' }, 'PM_AGENT_TOKENS[a] must be a SHA-256 hex digest'],
    [{ PM_ROLE: 'concentrator' }, 'PM_PARENT_URL is required when PM_ROLE=concentrator'],
  ])('PM-SVC-4: %j stops the start: %s', (env, message) => {
    expect(() => settingsOf(env)).toThrow(SettingsError);
    expect(() => settingsOf(env)).toThrow(message);
  });

  it.each([
    [[{ id: 'a', parentId: 'nowhere' }], 'Desired parent [nowhere] does not exist'],
    [
      [
        { id: 'a', parentId: 'b' },
        { id: 'b', parentId: 'a' },
      ],
      'Cyclic parent chain at [a]',
    ],
    [
      [{ id: 'a', parentId: 'auctioneer', kind: 'peakShaving', floorW: 5, ceilingW: 5 }],
      "The floor constraint shouldn't be higher than the ceiling constraint",
    ],
    [[{ id: 'objective', parentId: 'auctioneer' }], 'An agent with id [objective] was already connected'],
  ])('PM-CL-1: the topology %j is refused with the SPEC message', (concentrators, message) => {
    const settings = settingsOf({ PM_CONCENTRATORS: JSON.stringify(concentrators) });
    expect(() => checkClusterConfiguration(settings)).toThrow(message);
  });

  it('PM-CL-1: a concentrator role takes its id from the parent URL; v2.1 agents attach to it', () => {
    const settings = settingsOf({
      PM_ROLE: 'concentrator',
      PM_PARENT_URL:
        'ws://auctioneer:8080/powermatcher/websockets/agentendpoint?agentId=field-7&desiredConnectionId=auctioneer',
    });
    expect(settings.role).toMatchObject({ kind: 'concentrator', concentratorId: 'field-7' });
    expect(settings.v21ParentId).toBe('field-7');
    expect(settings.objective).toBeNull();
    expect(() => checkClusterConfiguration(settings)).not.toThrow();
  });
});
