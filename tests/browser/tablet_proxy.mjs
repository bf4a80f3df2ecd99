// A proxy on loopback between the tablet (Chromium) and the server, which the tablet tests steer: pass
// everything, be down (every connection closed at once, as with no network), hold the receipt of the next
// upload (the server has stored the batch, the tablet never hears so: the browser is then closed), or drop
// the receipt of the next upload (the connection is cut after the server answered). It records every
// upload's receipt as the server sent it.
import http from 'node:http';
import { EventEmitter } from 'node:events';

export async function startProxy(target) {
  const to = new URL(target);
  const proxy = new EventEmitter();
  proxy.mode = 'pass';
  proxy.receipts = [];
  proxy.held = [];
  /// Every request to the sync API that the server answered: method, path, status.
  proxy.api = [];
  const server = http.createServer((req, res) => {
    if (proxy.mode === 'down') { req.socket.destroy(); return; }
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const headers = { ...req.headers, host: to.host };
      // Plain replies, so that the receipts can be read here.
      delete headers['accept-encoding'];
      const upstream = http.request({ host: to.hostname, port: to.port, path: req.url, method: req.method, headers }, (up) => {
        const body = [];
        up.on('data', (c) => body.push(c));
        up.on('end', () => {
          const data = Buffer.concat(body);
          if (req.url.startsWith('/api/')) proxy.api.push({ method: req.method, path: req.url, status: up.statusCode });
          const isUpload = req.method === 'POST' && req.url === '/api/v1/responses';
          if (isUpload) {
            let receipt = null;
            try { receipt = JSON.parse(data.toString('utf8')); } catch { /* not JSON: an error page */ }
            const mode = proxy.mode;
            proxy.receipts.push({ status: up.statusCode, receipt, delivered: mode === 'pass' });
            if (mode === 'hold') {
              proxy.held.push(res);
              proxy.emit('receipt', { status: up.statusCode, receipt, mode });
              return;
            }
            if (mode === 'drop') {
              proxy.mode = 'pass';
              req.socket.destroy();
              proxy.emit('receipt', { status: up.statusCode, receipt, mode });
              return;
            }
            proxy.emit('receipt', { status: up.statusCode, receipt, mode });
          }
          const out = { ...up.headers };
          delete out['transfer-encoding'];
          out['content-length'] = String(data.length);
          res.writeHead(up.statusCode, out);
          res.end(data);
        });
      });
      upstream.on('error', () => req.socket.destroy());
      upstream.end(Buffer.concat(chunks));
    });
  });
  await new Promise((resolve) => server.listen(Number(process.env.TABLET_PROXY_PORT || 0), '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${server.address().port}`;
  /// The next receipt the proxy sees that `test` accepts.
  proxy.nextReceipt = (test = () => true) => new Promise((resolve) => {
    const on = (r) => { if (test(r)) { proxy.off('receipt', on); resolve(r); } };
    proxy.on('receipt', on);
  });
  proxy.close = () => {
    for (const res of proxy.held) res.socket?.destroy();
    server.closeAllConnections?.();
    return new Promise((resolve) => server.close(resolve));
  };
  return proxy;
}
