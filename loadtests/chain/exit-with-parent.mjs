// Preloaded into each service the chain bench starts (`node --import`): when the bench dies
// without cleaning up (SIGKILL, out of memory), its services are re-parented and stop
// themselves, gracefully, instead of loading a shared machine with nobody to read them.
import process from 'node:process';
import { setInterval } from 'node:timers';

const parentPid = process.ppid;
setInterval(() => {
  if (process.ppid !== parentPid) process.kill(process.pid, 'SIGTERM');
}, 1_000).unref();
