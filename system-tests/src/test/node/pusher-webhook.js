// An app server's webhook endpoint checked by the official `pusher` SDK (unmodified).
// Usage: node pusher-webhook.js <appId> <key> <secret> <port>
// Prints {"type":"listening"} once ready, then per POST:
// {"type":"webhook","valid":<SDK's isValid()>,"time_ms":..,"events":[..]}; answers 200 when valid, else 401.
const http = require('http');
const Pusher = require('pusher');

const [appId, key, secret, port] = process.argv.slice(2);
const pusher = new Pusher({ appId, key, secret, host: '127.0.0.1', useTLS: false });

function print(type, fields) {
  process.stdout.write(JSON.stringify({ type, ...fields }) + '\n');
}

http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const webhook = pusher.webhook({ headers: req.headers, rawBody: Buffer.concat(chunks).toString('utf8') });
    const valid = webhook.isValid();
    print('webhook', valid
      ? { valid, time_ms: webhook.getTime().getTime(), events: webhook.getEvents() }
      : { valid });
    res.writeHead(valid ? 200 : 401);
    res.end();
  });
}).listen(Number(port), '127.0.0.1', () => print('listening', {}));
