import { QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { RouterProvider } from "react-router";
import "./styles.css";

const root = createRoot(document.getElementById("root")!);

// The configuration is parsed before anything else so a bad VITE_* value
// shows as a readable message rather than a blank page.
import("./app/router")
  .then(async ({ router }) => {
    const [{ AuthProvider }, { queryClient }] = await Promise.all([
      import("./lib/auth"),
      import("./lib/query-client"),
    ]);
    root.render(
      <StrictMode>
        <QueryClientProvider client={queryClient}>
          <AuthProvider>
            <RouterProvider router={router} />
          </AuthProvider>
        </QueryClientProvider>
      </StrictMode>,
    );
  })
  .catch((error: Error) => {
    root.render(
      <main className="centered">
        <div className="state state-error" role="alert">
          <h1>The console cannot start</h1>
          <pre className="json">{error.message}</pre>
        </div>
      </main>,
    );
  });
