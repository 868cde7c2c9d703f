export { type OadrExchange, OadrTransport, OadrTransportError, type VenTls } from './transport';
export { SimulatedVen, type SimulatedVenOptions, type VenStats } from './ven';
export { startVenFleet, type VenFleet, type VenFleetOptions } from './fleet';
export { openadrCommand } from './command';
