// The official `pusher` server SDK (unmodified) as an app server driven line by line, for tests that
// interleave server calls with client behaviour (e.g. across a two-node cluster).
// Usage: node pusher-app.js <appId> <key> <secret> <port>
// Commands (JSON lines on stdin), each answered with {type: "result", id, status, body}:
//   {id, cmd: "trigger", channel, event, data}       {id, cmd: "sendToUser", user, event, data}
//   {id, cmd: "get", path, params}                    {id, cmd: "terminate", user}
const Pusher = require('pusher');
const readline = require('readline');

const [appId, key, secret, port] = process.argv.slice(2);
const pusher = new Pusher({ appId, key, secret, host: '127.0.0.1', port: Number(port), useTLS: false });

function out(line) {
  process.stdout.write(JSON.stringify(line) + '\n');
}

async function answer(id, promise) {
  try {
    const response = await promise;
    const text = await response.text();
    let body = text;
    try { body = JSON.parse(text); } catch (e) { /* plain text */ }
    out({ type: 'result', id, status: response.status, body });
  } catch (e) {
    out({ type: 'result', id, status: e.status === undefined ? -1 : e.status, body: e.body === undefined ? String(e) : e.body });
  }
}

const commands = {
  trigger: (c) => pusher.trigger(c.channel, c.event, c.data),
  sendToUser: (c) => pusher.sendToUser(c.user, c.event, c.data),
  get: (c) => pusher.get({ path: c.path, params: c.params || {} }),
  terminate: (c) => pusher.terminateUserConnections(c.user),
};

readline.createInterface({ input: process.stdin }).on('line', (text) => {
  let command;
  try {
    command = JSON.parse(text);
    answer(command.id, commands[command.cmd](command));
  } catch (e) {
    out({ type: 'result', id: command && command.id, status: -1, body: String(e) });
  }
}).on('close', () => process.exit(0));
out({ type: 'ready' });
