// Source of the helper process started inside a namespace with `ip netns exec ... node -e`. It owns
// no data path: it only creates sockets in its namespace and hands them to the harness process over
// the IPC channel (Node passes the file descriptor), so one process can hold sockets in both
// namespaces. Plain JavaScript in a string so it runs the same from sources (tsx) and from dist/.
export const HELPER_SOURCE = `
const net = require('node:net');
const [mode, host, port] = process.argv.slice(-3);
if (mode === 'listen') {
  const server = net.createServer({ pauseOnConnect: true, noDelay: true }, (socket) => process.send('conn', socket));
  server.on('error', (e) => process.send({ error: String(e) }));
  server.listen(Number(port), host, () => process.send('ready'));
} else {
  process.on('message', (m) => {
    const socket = net.connect({ host, port: Number(port), noDelay: true });
    socket.setTimeout(10000, () => socket.destroy(new Error('connect timeout')));
    socket.once('connect', () => { socket.setTimeout(0); socket.pause(); process.send({ id: m.id }, socket); });
    socket.once('error', (e) => process.send({ id: m.id, error: String(e) }));
  });
  process.send('ready');
}
process.on('disconnect', () => process.exit(0));
`;
