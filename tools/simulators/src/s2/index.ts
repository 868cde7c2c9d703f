export { SimulatedCem, type CemOptions } from './customer-energy-manager';
export { createDevice, DEVICE_KINDS, type Device, type DeviceKind } from './devices';
export { type Mistake, MISTAKE_RULES, MISTAKES, type PeerOptions, S2Peer } from './peer';
export { type ResourceManagerOptions, SimulatedResourceManager } from './resource-manager';
export { dropInUrls, type S2Pair, type S2PairOptions, startS2Pair } from './simulation';
export { dial, type DialOptions, listen, type Listening, type ListenOptions } from './transport';
