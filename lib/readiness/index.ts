export { withDeadline } from './deadline.ts';
export { type ComponentState, type ComponentStatus, type Probe, Readiness, type ReadinessSnapshot, type RetryOptions } from './readiness.ts';
