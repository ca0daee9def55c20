import { firstValueFrom, type Observable, type Subscription } from 'rxjs';
import { emulatorEnvironment, startEmulators, type Emulators } from '../testing/emulators.js';
import { ExitCode } from './exit-code.js';
import { reportFailure } from './failure-report.js';
import { feedMisskey } from './misskey-traffic.js';
import { feedMixi2 } from './mixi2-traffic.js';
import { feedMomento } from './momento-traffic.js';
import type { Output } from './output.js';
import { exportLines } from './shell-exports.js';

/**
 * Options of {@link runEmulate}.
 *
 * @example
 * ```ts
 * await runEmulate({ output: createOutput(), stop$: stopSignal$(), misskeyPort: 3000, traffic: true });
 * ```
 */
export interface EmulateOptions {
  /** Where the addresses and diagnostics go. */
  output: Output;
  /** Stops the emulators when it emits (Ctrl-C, SIGTERM). */
  stop$: Observable<unknown>;
  /** Port of the Misskey emulator; 0 picks a free one. @default 0 */
  misskeyPort?: number;
  /** Port of the Momento emulator; 0 picks a free one. @default 0 */
  momentoPort?: number;
  /** Feed the emulators synthetic traffic. @default false */
  traffic?: boolean;
  /** Only the `export` lines and the ready line. @default false */
  quiet?: boolean;
}

/**
 * The line printed last once everything listens; tests and scripts wait for it.
 *
 * @example
 * ```ts
 * await cli.waitForLine((line) => line === readyLine);
 * ```
 */
export const readyLine = '# ready: emulators running until Ctrl-C (SIGINT) or SIGTERM';

/**
 * Where synthetic Momento items go with `--traffic`.
 *
 * @example
 * ```ts
 * topicItems(client, trafficTopic.cacheName, trafficTopic.topic).subscribe(console.log);
 * ```
 */
export const trafficTopic = { cacheName: 'cache', topic: 'demo' } as const;

/**
 * `streamrx emulate`: starts the three emulators, prints their addresses and credentials as comments and
 * `export` lines (stdout), then {@link readyLine}; on the stop signal stops everything and resolves 0.
 *
 * @example
 * ```ts
 * const code = await runEmulate({ output: createOutput(), stop$: stopSignal$() });
 * ```
 */
export async function runEmulate(options: EmulateOptions): Promise<ExitCode> {
  const { output } = options;
  let emulators: Emulators;
  try {
    emulators = await startEmulators({ misskeyPort: options.misskeyPort ?? 0, momentoPort: options.momentoPort ?? 0 });
  } catch (error) {
    const report = reportFailure(error, 'emulate: cannot start the emulators');
    output.error(report.message);
    return report.code;
  }
  const traffic = options.traffic ? feedAll(emulators) : [];
  if (!options.quiet) output.text(description(emulators, options.traffic === true));
  output.text(exportLines(emulatorEnvironment(emulators)));
  output.text(`${readyLine}\n`);
  const signal = await firstValueFrom(options.stop$);
  output.info(`${String(signal)}: stopping the emulators`);
  for (const subscription of traffic) subscription.unsubscribe();
  await emulators.close();
  return ExitCode.Ok;
}

function description({ mixi2, misskey, momento }: Emulators, traffic: boolean): string {
  const users = Object.values(misskey.users)
    .map((u) => `${u.username} (token ${u.token})`)
    .join(', ');
  const lines = [
    `# mixi2 emulator: stream ${mixi2.streamAddress}, api ${mixi2.apiAddress} (gRPC, plaintext), token endpoint ${mixi2.tokenUrl}`,
    `#   client id ${mixi2.clientId}, client secret ${mixi2.clientSecret}, webhook public key ${mixi2.webhookPublicKey}`,
    `# misskey emulator: ${misskey.origin} (/streaming and /api), users ${users}`,
    `# momento emulator: ${momento.endpoint} (gRPC, plaintext, any cache and topic, no API key)`,
    ...(traffic ? [`# synthetic traffic: mixi2 events, Misskey notes by alice, Momento items on ${trafficTopic.cacheName}/${trafficTopic.topic}`] : []),
    '# point a bot or `streamrx tail` at them with:',
  ];
  return `${lines.join('\n')}\n`;
}

function feedAll(emulators: Emulators): Subscription[] {
  return [
    feedMixi2(emulators.mixi2, 1000),
    feedMisskey(emulators.misskey, 1000),
    feedMomento(emulators.momento, trafficTopic.cacheName, trafficTopic.topic, 1000),
  ];
}
