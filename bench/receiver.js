// A lean webhook receiver for bench/LoadHarness.java's throughput phases, off the JVM so it takes
// little of the CPU the server under test needs: answers 200 "ok" to every POST at once (keep-alive),
// counts the requests and the distinct `webhook-id` headers (a retried delivery repeats its id), and
// serves the counts at GET /stats as JSON. Loopback only; one process, one core at most.
//
//   node bench/receiver.js PORT
'use strict';
const http = require('http');

const port = Number(process.argv[2] || 0);
let requests = 0;
const deliveries = new Set(); // distinct webhook-id values

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/stats') {
    const body = JSON.stringify({ requests, deliveries: deliveries.size });
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
    return;
  }
  requests++;
  const id = req.headers['webhook-id'];
  if (id !== undefined) {
    deliveries.add(id);
  }
  req.resume(); // read and drop the body; answer once it is all in, so keep-alive stays in step
  req.on('end', () => {
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': 2 });
    res.end('ok');
  });
});
// The sender keeps connections idle between bursts; Node's 5 s default would close them under it.
server.keepAliveTimeout = 120_000;
server.headersTimeout = 130_000;
server.requestTimeout = 0;
server.listen(port, '127.0.0.1', () => {
  console.log(`receiver listening on 127.0.0.1:${server.address().port}`);
});
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
