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
  build: {
    target: "es2022",
    sourcemap: false,
    rolldownOptions: {
      output: {
        codeSplitting: {
          // The components and lib modules pages share, in one chunk beside the entry instead of a dozen
          // of 1 KB each: a phone opens six connections to a host, so the seventh file of a page waits for
          // one of the first six, a round trip later. Amplify's two halves keep their own chunks (auth.js).
          groups: [{ name: "app", test: (id) => /[\\/]src[\\/](components|lib)[\\/](?!amplify-)/.test(id) }],
        },
      },
    },
  },
  test: {
    environment: "jsdom",
    include: ["tests/**/*.test.{js,jsx}"],
    setupFiles: ["tests/setup.js"],
    restoreMocks: true,
  },
});
