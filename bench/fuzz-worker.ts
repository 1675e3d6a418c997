/**
 * Worker side of runFuzzIsolated (bench/fuzz.ts): loads the corpus, runs the inputs, and
 * publishes the index it is on in shared memory so the parent can tell a loop from slow work.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadCorpus, corpusSummary, runFuzz, type FuzzOptions } from './fuzz.ts';

interface WorkerInput { run: Omit<FuzzOptions, 'progress' | 'onProgress' | 'onFailure'>; seedDirs: string[]; progress: Int32Array }

const input = workerData as WorkerInput;
const port = parentPort!;
const corpus = loadCorpus(input.seedDirs);
port.postMessage({ type: 'corpus', summary: corpusSummary(corpus) });
const result = runFuzz(corpus, {
  ...input.run,
  progress: input.progress,
  onProgress: (done) => port.postMessage({ type: 'progress', done }),
  onFailure: (failure) => port.postMessage({ type: 'failure', failure }),
});
port.postMessage({ type: 'result', result });
