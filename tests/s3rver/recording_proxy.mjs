// Test helper, not a test double: sits in front of the real s3rver, which parses SigV4 but never
// checks it, so that the test can check the signatures itself.
//   node recording_proxy.mjs ADDRESS PORT ECHO_PORT S3RVER_URL LOG_FILE
// On PORT it passes every request on to s3rver unchanged and appends its method, URL and
// headers to LOG_FILE as one JSON line. On ECHO_PORT it answers every request with the
// Authorization header it received, in the header x-seen-authorization (HEAD has no body), so
// that a request replayed with curl --aws-sigv4 shows the signature curl made.
import { appendFileSync } from 'node:fs';
import http from 'node:http';

const [address, port, echoPort, target, log] = process.argv.slice(2);
const upstream = new URL(target);

http.createServer((request, response) => {
  appendFileSync(log, JSON.stringify({ method: request.method, url: request.url, headers: request.headers }) + '\n');
  const forwarded = http.request({
    host: upstream.hostname, port: upstream.port, method: request.method, path: request.url,
    headers: request.headers,
  }, (answer) => {
    response.writeHead(answer.statusCode, answer.headers);
    answer.pipe(response);
  });
  forwarded.on('error', (e) => { response.writeHead(502); response.end(String(e)); });
  request.pipe(forwarded);
}).listen(Number(port), address);

http.createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.setHeader('x-seen-authorization', request.headers.authorization ?? '');
    response.end();
  });
}).listen(Number(echoPort), address);
