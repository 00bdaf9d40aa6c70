import { defineConfig } from "drizzle-kit";

// drizzle-kit writes into the folder wrangler applies (migrations_dir), so one numbering exists.
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/db/schema.ts",
  out: "./migrations",
});
