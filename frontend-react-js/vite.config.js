import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The dev server answers /config.json from the same environment variables the production
// container reads, so `npm run dev` and the image share one configuration contract.
function runtimeConfigFromEnv() {
  return {
    name: "cruddur-runtime-config",
    configureServer(server) {
      server.middlewares.use("/config.json", (_req, res) => {
        const env = process.env;
        res.setHeader("Content-Type", "application/json");
        res.setHeader("Cache-Control", "no-store");
        res.end(
          JSON.stringify({
            backendUrl: env.BACKEND_URL ?? "http://localhost:4567",
            region: env.AWS_DEFAULT_REGION ?? "",
            userPoolId: env.AWS_COGNITO_USER_POOL_ID ?? "",
            userPoolClientId: env.AWS_COGNITO_USER_POOL_CLIENT_ID ?? "",
            cognitoEndpoint: env.AWS_COGNITO_ENDPOINT ?? "",
          }),
        );
      });
    },
  };
}

export default defineConfig({
  plugins: [react(), runtimeConfigFromEnv()],
  server: { host: true, port: 3000, strictPort: true },
  preview: { port: 3000 },
  build: { target: "es2022", sourcemap: false },
  test: {
    environment: "jsdom",
    include: ["tests/**/*.test.{js,jsx}"],
    setupFiles: ["tests/setup.js"],
    restoreMocks: true,
  },
});
