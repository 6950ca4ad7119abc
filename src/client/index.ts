// Public surface of the client library.
export * from './interfaces.js';
export * from './resources.js';
export { RestClientset, clientsetFromKubeconfig, type RestClientOptions } from './rest.js';
export { loadKubeconfig, type KubeconfigCredentials } from './kubeconfig.js';
export { FakeClientset, type FakeAction, type Reactor } from './fake.js';
export { newSharedInformerFactory } from './cache/informer.js';
export * from './cache/interfaces.js';
export { newWorkQueue, runWorkers } from './workqueue/queue.js';
export type { WorkQueue, Reconciler } from './workqueue/interfaces.js';
export { runLeaderElection, type LeaderElectionOptions } from './leaderelection.js';
export { EventRecorder, type EventRecorderOptions } from './events.js';
