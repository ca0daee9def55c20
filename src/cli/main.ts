#!/usr/bin/env node
/**
 * The `streamrx` command: `streamrx emulate`, `streamrx tail mixi2|misskey|momento`, `--help`, `--version`.
 * Exit statuses are listed in `streamrx --help` and in {@link ExitCode}.
 * @module
 */
import { ReplaySubject } from 'rxjs';
import { runCommand } from './run-command.js';
import { stopSignal$ } from './stop-signal.js';

// Listening from the first moment makes a Ctrl-C during start-up a clean stop as well.
const stop$ = new ReplaySubject<NodeJS.Signals>(1);
stopSignal$().subscribe(stop$);

const code = await runCommand(process.argv.slice(2), { stop$ });
// Explicit exit: a gRPC channel or keep-alive socket of a source must not keep a finished command alive.
process.exit(code);
