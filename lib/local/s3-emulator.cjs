// Runs s3rver in its own process: `node --openssl-legacy-provider s3-emulator.cjs <port> <dir>`.
// The legacy provider lets s3rver encrypt continuation tokens (paginated listings) on Node ≥ 17.
const S3rver = require('s3rver');

const [port, directory] = process.argv.slice(2);
const server = new S3rver({ port: Number(port), address: '127.0.0.1', directory, silent: true });
server.run().then(
  () => process.stdout.write('ready\n'),
  (err) => {
    process.stderr.write(`s3rver failed to start: ${err.message}\n`);
    process.exit(1);
  },
);
// Our stdin is a pipe from the process that started us: when it closes, that process is gone.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
process.on('SIGTERM', () => server.close().finally(() => process.exit(0)));
