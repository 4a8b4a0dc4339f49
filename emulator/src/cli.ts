/**
 * emulator/src/cli.ts
 *   ensure-cert                      create (once) the TLS certificate in .cache/emulator-tls
 *   start [--port N] [--demo] [--latency ms] [--concurrency N|off]
 *                                    run until SIGINT/SIGTERM; prints one JSON line {"url","certPath"}
 */
import { seedDemo } from './demo';
import { startEmulator } from './index';
import { ensureCertificate } from './tls';

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  if (command === 'ensure-cert') {
    const cert = await ensureCertificate();
    console.log(cert.certPath);
    return;
  }
  if (command === 'start') {
    const concurrency = option(args, '--concurrency');
    const emu = await startEmulator({
      port: Number(option(args, '--port') ?? 0),
      latencyMs: Number(option(args, '--latency') ?? 0),
      mailboxConcurrencyLimit: concurrency === 'off' ? false : concurrency ? Number(concurrency) : undefined,
    });
    if (args.includes('--demo')) seedDemo(emu);
    console.log(JSON.stringify({ url: emu.url, certPath: emu.certPath }));
    const stop = () => void emu.stop().then(() => process.exit(0));
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    return;
  }
  console.error('usage: cli.ts ensure-cert | start [--port N] [--demo] [--latency ms] [--concurrency N|off]');
  process.exit(2);
}

main(process.argv.slice(2)).catch((e) => {
  console.error(e);
  process.exit(1);
});
