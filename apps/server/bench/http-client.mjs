// The load generators' HTTP client: HTTP/1.1 keep-alive over one socket, one
// request in flight, written by hand. On a 2-core machine where client,
// server and PostgreSQL share the CPUs, node:http's client spends ~100–250 µs
// per request and `fetch` more — as much as the server's own work on a send —
// so the figures would measure the client. This one spends ~35 µs.
// It understands exactly what a Weft server sends: a status line, headers with
// Content-Length (no chunked bodies), a JSON body.

import net from "node:net";

/** One keep-alive connection to `url` (`http://host:port`). */
export class BenchConnection {
  #socket;
  #buffer = Buffer.alloc(0);
  #pending;
  #host;

  static async open(url) {
    const { hostname, port } = new URL(url);
    const connection = new BenchConnection(hostname);
    await new Promise((resolve, reject) => {
      connection.#socket = net.connect(Number(port), hostname, resolve);
      connection.#socket.once("error", reject);
    });
    connection.#socket.setNoDelay(true);
    connection.#socket.on("data", (chunk) => connection.#onData(chunk));
    connection.#socket.on("error", (error) => connection.#fail(error));
    connection.#socket.on("close", () => connection.#fail(new Error("connection closed")));
    return connection;
  }

  constructor(host) {
    this.#host = host;
  }

  /**
   * Sends a request; resolves with `{ status, body }` (body parsed as JSON).
   * Statuses ≥ 300 reject, except with `{ allowErrors: true }`.
   */
  request(method, path, { token, body, allowErrors = false } = {}) {
    if (this.#pending) return Promise.reject(new Error("one request at a time per connection"));
    const data = body === undefined ? "" : JSON.stringify(body);
    const auth = token ? `Authorization: Bearer ${token}\r\n` : "";
    const head = `${method} ${path} HTTP/1.1\r\nHost: ${this.#host}\r\n${auth}Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(data)}\r\n\r\n`;
    return new Promise((resolve, reject) => {
      this.#pending = {
        resolve: (response) => (response.status >= 300 && !allowErrors ? reject(new Error(`${method} ${path}: ${response.status} ${JSON.stringify(response.body)}`)) : resolve(response)),
        reject,
      };
      this.#socket.write(head + data);
    });
  }

  close() {
    this.#socket.destroy();
  }

  #onData(chunk) {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const end = this.#buffer.indexOf("\r\n\r\n");
    if (end === -1) return;
    const head = this.#buffer.toString("latin1", 0, end);
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
    if (this.#buffer.length < end + 4 + length) return;
    const status = Number(head.slice(9, 12));
    const text = this.#buffer.toString("utf8", end + 4, end + 4 + length);
    this.#buffer = this.#buffer.subarray(end + 4 + length);
    const pending = this.#pending;
    this.#pending = undefined;
    let body;
    try {
      body = text === "" ? undefined : JSON.parse(text);
    } catch (error) {
      pending?.reject(error);
      return;
    }
    pending?.resolve({ status, body });
  }

  #fail(error) {
    const pending = this.#pending;
    this.#pending = undefined;
    pending?.reject(error);
  }
}
