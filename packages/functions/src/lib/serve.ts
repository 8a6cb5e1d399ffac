import { createServer, type Server } from "node:http";

// Serve a fetch-style app (Hono's `app.fetch`) on a loopback port: how tests
// (and anything else without @hono/node-server) reach the sandbox over HTTP.
export async function serveFetch(
  fetchApp: (request: Request) => Response | Promise<Response>,
  port = 0,
): Promise<{ url: string; close: () => Promise<void>; server: Server }> {
  const server = createServer(async (req, res) => {
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = chunks.length ? Buffer.concat(chunks) : undefined;
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === "string") headers.set(name, value);
        else if (Array.isArray(value)) headers.set(name, value.join(", "));
      }
      const response = await fetchApp(
        new Request(`http://127.0.0.1${req.url ?? "/"}`, {
          method: req.method ?? "GET",
          headers,
          ...(body && req.method !== "GET" && req.method !== "HEAD" ? { body } : {}),
        }),
      );
      res.writeHead(response.status, Object.fromEntries(response.headers.entries()));
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch (error) {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ code: "INTERNAL", message: (error as Error).message }));
    }
  });
  await new Promise<void>((done) => server.listen(port, "127.0.0.1", done));
  const address = server.address();
  const actual = typeof address === "object" && address ? address.port : port;
  return {
    url: `http://127.0.0.1:${actual}`,
    server,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
