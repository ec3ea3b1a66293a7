// CPU placement: which CPUs the brokers the harness starts and the load generator's worker threads
// run on (docs/load.md, "Placement"). CPU lists, their checks, and pinning through taskset.
export {
  allowedCpus,
  checkCpuList,
  formatCpuList,
  parseCpuList,
  readAllowedList,
  sameCpus,
} from './cpu-list.js';
export { PlacementError, type PlacementErrorReason } from './errors.js';
export {
  currentThreadId,
  onCpus,
  pinCurrentThread,
  processCpus,
  tasksetPath,
  threadCpus,
} from './taskset.js';
