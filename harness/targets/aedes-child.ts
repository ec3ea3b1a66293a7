// The program the aedes target runs in a child Node process (passed with `--input-type=module -e`,
// so it needs no file of its own in dist/). It listens on the requested port (0: any free one),
// prints one JSON line {"port":N} once listening, and exits on SIGTERM or when stdin closes.
export const AEDES_CHILD_PROGRAM = `
const { Aedes } = await import(process.env.HARNESS_AEDES_MODULE);
const net = await import('node:net');
const options = JSON.parse(process.env.HARNESS_AEDES_OPTIONS || '{}');
const broker = await Aedes.createBroker(options.broker || {});
let server;
if (options.transport === 'ws') {
  const http = await import('node:http');
  const wsModule = await import(process.env.HARNESS_WS_MODULE);
  const ws = wsModule.default ?? wsModule;
  server = http.createServer();
  const wss = new ws.WebSocketServer({ server, path: options.path || '/mqtt' });
  wss.on('connection', (socket, request) => broker.handle(ws.createWebSocketStream(socket), request));
} else {
  server = net.createServer(broker.handle);
}
broker.on('clientError', (client, error) => process.stderr.write('client error ' + client.id + ': ' + error.message + '\\n'));
server.on('error', (error) => { process.stderr.write('listen error: ' + error.message + '\\n'); process.exit(1); });
server.listen(options.port || 0, options.host || '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + '\\n');
});
let closing = false;
const close = () => {
  if (closing) return;
  closing = true;
  setTimeout(() => process.exit(0), 1000).unref();
  server.close();
  broker.close(() => process.exit(0));
};
process.on('SIGTERM', close);
process.on('SIGINT', close);
process.stdin.on('end', close);
process.stdin.resume();
`;
