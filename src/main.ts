/** CLI entry: serve | worker | migrate | users … | doctor … — the only place that turns signals into shutdown. */
import { createApp, type App } from './app.ts';
import { ConfigError, loadConfigFromProcess, type Config } from './config.ts';
import { DOCTOR_USAGE, parseDoctorArgs, runDoctorCommand } from './cli/doctor.ts';
import { runUsersCommand } from './cli/users.ts';

function readConfig(defaults: Record<string, string> = {}): Config {
  try {
    return loadConfigFromProcess(defaults);
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const line of err.message.split('\n')) console.error(`optimage: configuration error: ${line}`);
      process.exit(2);
    }
    throw err;
  }
}

function stopOnSignals(app: App): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ signal }, 'shutting down');
    // a draining worker finishes its images first (pg-boss waits up to 45 s); orchestrators such as
    // deploy/compose.yaml wait 60 s before they SIGKILL
    const force = setTimeout(() => process.exit(1), 55_000);
    force.unref();
    void app.close().then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

const [command = 'serve', ...args] = process.argv.slice(2);
switch (command) {
  case 'serve': {
    const app = await createApp(readConfig());
    stopOnSignals(app);
    break;
  }
  case 'worker': {
    const app = await createApp(readConfig(), { role: 'worker' });
    stopOnSignals(app);
    break;
  }
  case 'migrate': {
    const app = await createApp(readConfig(), { role: 'migrate' });
    await app.close();
    break;
  }
  case 'users': {
    const app = await createApp(readConfig({ LOG_LEVEL: 'warn' }), { role: 'migrate' });
    const code = await runUsersCommand(app, args);
    await app.close();
    process.exit(code);
    break;
  }
  case 'doctor': {
    const parsed = parseDoctorArgs(args);
    if (!parsed) {
      console.error(DOCTOR_USAGE);
      process.exit(2);
    }
    const app = await createApp(readConfig({ LOG_LEVEL: 'warn' }), { role: 'tool' });
    const code = await runDoctorCommand(app, parsed);
    await app.close();
    process.exit(code);
    break;
  }
  default:
    console.error(`usage: optimage serve | worker | migrate | users list | users set-plan <email> <plan> | doctor [--fix] [--json] [--grace <duration>]`);
    process.exit(2);
}
