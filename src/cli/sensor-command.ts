/** `voipwatch sensor`: live capture on one or more interfaces, until SIGTERM/SIGINT. */
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { VoipwatchError } from '../errors.ts';
import { loadSensorConfig, type SensorFlags } from '../sensor/sensor-config.ts';
import { Sensor } from '../sensor/sensor.ts';
import { StopSignal } from './stop-signal.ts';

export const SENSOR_USAGE = `usage: voipwatch sensor [options]

Captures on a mirror (SPAN) port and analyzes live, writing to the store; /metrics and
/healthz on HTTP. SIGHUP reloads the configuration; SIGTERM/SIGINT flush and stop.

options:
  --config FILE          YAML configuration (see deploy/voipwatch.example.yaml)
  --interface IFACE      capture interface; repeat for several (or VOIPWATCH_INTERFACES)
  --filter BPF           capture filter (default keeps SIP, all UDP media, HTTP(S), TFTP)
  --snaplen BYTES        bytes kept per packet (default 262144)
  --http-listen H:P      metrics and health address (default 127.0.0.1:9310)
  --data-dir DIR         embedded store directory
  --clickhouse-url URL   a ClickHouse server instead of the embedded store
  --no-store             analyze and expose metrics, store nothing
  --report FILE          write the final report (the analyze JSON contract) there at stop
  --allow-root           run as root (normally refused: use CAP_NET_RAW instead)
  -h, --help             show this help
`;

export async function runSensor(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv, allowPositionals: false, strict: true,
      options: {
        config: { type: 'string' }, interface: { type: 'string', multiple: true }, filter: { type: 'string' },
        snaplen: { type: 'string' }, 'http-listen': { type: 'string' }, 'data-dir': { type: 'string' },
        'clickhouse-url': { type: 'string' }, 'no-store': { type: 'boolean', default: false }, report: { type: 'string' },
        'allow-root': { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (cause) {
    throw new VoipwatchError('ERR_CLI_ARGS', `${(cause as Error).message}\n\n${SENSOR_USAGE}`, { cause });
  }
  const v = parsed.values;
  if (v.help) { process.stdout.write(SENSOR_USAGE); return 0; }
  const flags: SensorFlags = {
    config: v.config, interfaces: v.interface, filter: v.filter, snaplen: v.snaplen, httpListen: v['http-listen'],
    dataDir: v['data-dir'], clickhouseUrl: v['clickhouse-url'], noStore: v['no-store'], allowRoot: v['allow-root'],
  };
  const config = loadSensorConfig(flags);
  if (process.getuid?.() === 0 && !config.allowRoot) {
    throw new VoipwatchError('ERR_SENSOR_ROOT',
      'refusing to capture as root: run as an unprivileged user with CAP_NET_RAW and CAP_NET_ADMIN '
      + '(systemd AmbientCapabilities, or setcap on the node binary), or pass --allow-root / VOIPWATCH_ALLOW_ROOT=true');
  }
  const log = pino({
    level: config.log.level, base: { service: 'voipwatch-sensor' },
    // A password set in the configuration must not reach the logs through an error object.
    redact: ['password', '*.password', 'config.store.password', 'secret', '*.secret', 'token', '*.token'],
  });
  const sensor = new Sensor(config, log);
  try {
    await sensor.start();
  } catch (err) {
    await sensor.stop(null).catch(() => undefined);
    throw err;
  }
  return await new Promise<number>((resolve) => {
    new StopSignal((signal) => {
      log.info({ signal }, 'stopping: flushing analysis and store (a second signal exits at once)');
      // Everything is flushed and closed once stop() settles; native handles of the capture
      // binding and the embedded engine may still hold the event loop, so leave explicitly.
      const leave = (code: number) => { log.flush(); resolve(code); setImmediate(() => process.exit(code)); };
      sensor.stop(v.report ?? null).then(() => leave(0), (err) => { log.error({ err }, 'stop failed'); leave(1); });
    });
    process.on('SIGHUP', () => {
      try {
        sensor.reload(loadSensorConfig(flags));
      } catch (err) {
        log.error({ err: (err as Error).message }, 'configuration not reloaded: the running one stays in force');
      }
    });
  });
}
