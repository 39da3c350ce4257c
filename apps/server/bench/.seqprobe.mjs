import http from "node:http";
import { readFileSync, readdirSync } from "node:fs";
import { registerUser, startBenchServer } from "./bench-server.mjs";
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
function api(url, method, path, { token, body } = {}) {
  const data = body ? Buffer.from(JSON.stringify(body)) : undefined;
  const headers = { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(data ? { "content-type": "application/json", "content-length": data.length } : {}) };
  return new Promise((resolve, reject) => {
    const req = http.request(url + path, { method, headers, agent }, (res) => { const chunks = []; res.on("data", (c) => chunks.push(c)); res.on("end", () => resolve(JSON.parse(Buffer.concat(chunks)))); });
    req.on("error", reject); req.end(data);
  });
}
const ticks = (pid, which = 3) => { try { const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" "); return (which & 1 ? Number(f[11]) : 0) + (which & 2 ? Number(f[12]) : 0); } catch { return 0; } };
const pgPids = () => readdirSync("/proc").filter((p) => /^\d+$/.test(p)).filter((p) => { try { return readFileSync(`/proc/${p}/comm`, "utf8").startsWith("postgres"); } catch { return false; } });
const sum = (pids) => pids.reduce((a, p) => a + ticks(p), 0);
const { url, child } = await startBenchServer({ name: "probe" });
try {
  const alice = await registerUser(url, "probe" + Date.now());
  const { room_id } = await api(url, "POST", "/_matrix/client/v3/createRoom", { token: alice.token, body: { preset: "public_chat" } });
  let txn = 0; const N = Number(process.env.N ?? 3000);
  const send = () => api(url, "PUT", `/_matrix/client/v3/rooms/${encodeURIComponent(room_id)}/send/m.room.message/p${Date.now()}-${++txn}`, { token: alice.token, body: { msgtype: "m.text", body: "hello " + txn } });
  for (let i = 0; i < 300; i++) await send();
  const pids = pgPids(); const sys0 = ticks(child.pid, 2), psys0 = pids.reduce((a, p) => a + ticks(p, 2), 0); const s0 = ticks(child.pid), p0 = sum(pids), c0 = process.cpuUsage(); const t0 = performance.now();
  for (let i = 0; i < N; i++) await send();
  const t = performance.now() - t0; const c = process.cpuUsage(c0);
  console.log(`sequential ${Math.round(N / t * 1000)} msg/s, ${(t / N * 1000).toFixed(0)} µs/req; cpu µs/req: server ${((ticks(child.pid) - s0) * 10000 / N).toFixed(0)}, postgres ${((sum(pids) - p0) * 10000 / N).toFixed(0)}, client ${((c.user + c.system) / N).toFixed(0)} (sys ${(c.system / N).toFixed(0)}); sys: server ${((ticks(child.pid, 2) - sys0) * 10000 / N).toFixed(0)} pg ${((pids.reduce((a, p) => a + ticks(p, 2), 0) - psys0) * 10000 / N).toFixed(0)}`);
} finally { child.kill("SIGTERM"); agent.destroy(); }
