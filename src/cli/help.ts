import type { HelpTopic } from './command-line.js';

const exitStatus = `Exit status:
  0  done: --limit reached, or stopped with Ctrl-C / SIGTERM
  1  any other failure (a service error, a protocol violation)
  2  usage: unknown command, option or channel, malformed value
  3  credentials missing or unusable, or refused by the service
  4  the service could not be reached, or the connection was lost for good
  5  the service refused the subscription (channel not acknowledged, cache not found)`;

const tailCommon = `Common options:
      --emulator     start the source's emulator in-process, feed it synthetic
                     traffic and tail it (no credentials needed)
  -n, --limit N      exit after N events
  -q, --quiet        no diagnostics on stderr (errors are still printed)
  -h, --help         show this help

Events go to stdout as NDJSON (one JSON object per line; 64-bit integers as
strings, bytes as base64); diagnostics go to stderr. Ctrl-C stops cleanly.
Secrets from the environment are never printed.`;

/** The text of every `--help` page. */
const pages: Readonly<Record<HelpTopic, string>> = {
  streamrx: `Usage: streamrx <command> [options]

Real-time services (mixi2, Misskey, Momento Topics) from the command line.

Commands:
  emulate                         start the three emulators and print how to
                                  point a bot at them
  tail mixi2                      print mixi2 application events as NDJSON
  tail misskey <channel>          print a Misskey streaming channel as NDJSON
  tail momento <cache> <topic>    print a Momento topic as NDJSON

Options:
  -h, --help       show help (also after any command: streamrx tail --help)
  -V, --version    print the version

${exitStatus}
`,
  emulate: `Usage: streamrx emulate [options]

Starts the mixi2, Misskey and Momento emulators on 127.0.0.1, prints their
addresses and credentials as shell \`export\` lines (the variables streamrx
tail and the recipes read), then a "# ready" line, and runs until Ctrl-C or
SIGTERM, when it stops every emulator and exits 0.

Options:
      --misskey-port PORT   port of the Misskey emulator (default: random)
      --momento-port PORT   port of the Momento emulator (default: random)
      --traffic             feed the emulators synthetic traffic: mixi2 events,
                            Misskey notes by alice, Momento items on
                            cache "cache", topic "demo"
  -q, --quiet               print only the export lines and the ready line
  -h, --help                show this help

The mixi2 emulator always listens on random ports.

${exitStatus}
`,
  tail: `Usage: streamrx tail <source> [arguments] [options]

Prints the events of one source as NDJSON on stdout.

Sources:
  tail mixi2                      mixi2 application events (streamrx tail mixi2 --help)
  tail misskey <channel>          a Misskey channel (streamrx tail misskey --help)
  tail momento <cache> <topic>    a Momento topic (streamrx tail momento --help)

${tailCommon}

${exitStatus}
`,
  'tail mixi2': `Usage: streamrx tail mixi2 [options]

Prints the events of a mixi2 application (SubscribeEvents; pings are not
printed), one Event message per line as the protos define it (enums as
numbers, oneof bodies as {"$case", "value"}).

Environment:
  MIXI2_CLIENT_ID        client id (required without --emulator)
  MIXI2_CLIENT_SECRET    client secret (required without --emulator)
  MIXI2_TOKEN_URL        token endpoint (default: the official one)
  MIXI2_STREAM_ADDRESS   gRPC target of the stream (default: the official one)
  MIXI2_API_ADDRESS      gRPC target of the API (default: the official one)
  MIXI2_AUTH_KEY         optional x-auth-key sent with every call
Addresses on 127.0.0.1, ::1 or localhost are reached in plaintext (the
emulator), any other over TLS.

${tailCommon}

${exitStatus}
`,
  'tail misskey': `Usage: streamrx tail misskey <channel> [options]

Prints the messages of one Misskey streaming channel, one
{"channel", "type", "body"} object per line (e.g. type "note" on timelines).

Channels: main, homeTimeline, localTimeline, hybridTimeline, globalTimeline,
  userList, hashtag, roleTimeline, antenna, channel, drive, serverStats,
  queueStats, admin, reversi, reversiGame, chatUser, chatRoom

Options:
      --params JSON      the channel's connect params, e.g. '{"q":[["cats"]]}'
                         for hashtag
      --ack-timeout MS   how long to wait for the server to accept the channel
                         (default 10000)

Environment:
  MISSKEY_ORIGIN   the server, e.g. https://misskey.example (required without
                   --emulator)
  MISSKEY_TOKEN    access token (required by main, homeTimeline,
                   hybridTimeline and the other personal channels)

${tailCommon}

${exitStatus}
`,
  'tail momento': `Usage: streamrx tail momento <cache> <topic> [options]

Prints the items of a Momento topic, one {"type": "item", "sequenceNumber",
"sequencePage", "publisherId", "text" | "bytes"} object per line ("bytes" in base64), and
{"type": "discontinuity", …} when items were lost. Heartbeats are not printed.

Environment:
  MOMENTO_API_KEY          API key (required without --emulator, unless
                           MOMENTO_LOCAL_ENDPOINT is set)
  MOMENTO_ENDPOINT         endpoint of a v2 API key
  MOMENTO_LOCAL_ENDPOINT   host:port of a local plaintext server (the
                           emulator); no key needed

${tailCommon}

${exitStatus}
`,
};

/**
 * The `--help` page of a command.
 *
 * @example
 * ```ts
 * process.stdout.write(helpText('tail misskey'));
 * ```
 */
export function helpText(topic: HelpTopic): string {
  return pages[topic];
}
