import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  return {
    plugins: [
      cloudflareTest({
        main: "./worker/index.ts",
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            ENVIRONMENT: "test",
            ROOT_DOMAIN: "communities.test",
            MAIL_TRANSPORT: "dev",
            // Seals the Stripe keys in tests (scripts/local-db.mjs has development's own).
            SECRETS_KEY: "test-only-secrets-key",
          },
        },
      }),
    ],
    test: {
      include: ["worker/**/*.test.ts", "web/**/*.test.ts"],
      setupFiles: ["./worker/test/apply-migrations.ts"],
      testTimeout: 20_000,
    },
  };
});
