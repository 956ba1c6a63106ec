import { loadConfig, ConfigError } from '../../../config';

/** ITB_WORKER_METRICS_PORT / _HOST -> config.workerMetrics (workers/metricsServer.ts serveWorkerMetrics). */
describe('worker metrics settings', () => {
  it('serves nothing by default, on loopback when a port is given', () => {
    expect(loadConfig({}).workerMetrics).toEqual({ host: '127.0.0.1' });
    expect(loadConfig({ ITB_WORKER_METRICS_PORT: '' }).workerMetrics).toEqual({ host: '127.0.0.1' });
    expect(loadConfig({ ITB_WORKER_METRICS_PORT: '  ' }).workerMetrics).toEqual({ host: '127.0.0.1' });
    expect(loadConfig({ ITB_WORKER_METRICS_PORT: '9464' }).workerMetrics).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(loadConfig({ ITB_WORKER_METRICS_PORT: '0' }).workerMetrics).toEqual({ host: '127.0.0.1', port: 0 });
    expect(loadConfig({ ITB_WORKER_METRICS_PORT: '9464', ITB_WORKER_METRICS_HOST: ' 10.1.2.3 ' }).workerMetrics).toEqual({ host: '10.1.2.3', port: 9464 });
  });

  it('refuses a port that is not one, and an empty host, naming the variable', () => {
    for (const bad of ['metrics', '65536', '-1', '94.64']) {
      expect(() => loadConfig({ ITB_WORKER_METRICS_PORT: bad })).toThrow(ConfigError);
      expect(() => loadConfig({ ITB_WORKER_METRICS_PORT: bad })).toThrow(/ITB_WORKER_METRICS_PORT/);
    }
    expect(() => loadConfig({ ITB_WORKER_METRICS_HOST: ' ' })).toThrow(/ITB_WORKER_METRICS_HOST: must not be empty/);
  });
});
