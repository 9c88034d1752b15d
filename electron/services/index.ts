// The services as a library, for benchmarks and scripted checks that run the built code.
export { createServices, type Services, type ServiceOptions } from './wiring';
