export { type ComponentState, type ComponentStatus, Readiness, type ReadinessSnapshot, type RetryOptions } from './readiness.ts';
