// ESLint: typescript-eslint's recommended rules with type information, over every TypeScript and
// JavaScript file of the tree. Formatting is Prettier's (npm run format), so no style rules here.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {ignores: ["node_modules/", "dist/", "cli/.bundle*/", "src/.observablehq/", ".observablehq/", "test/.lake/", "data/", "data-demo/"]},
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: {...globals.node, ...globals.browser},
      parserOptions: {projectService: true, tsconfigRootDir: import.meta.dirname},
    },
    rules: {
      // Comma sequences and `ok && f()` as statements are house style in the hot loops (as in Plot).
      "@typescript-eslint/no-unused-expressions": "off",
      "@typescript-eslint/no-unused-vars": ["error", {argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none"}],
    },
  },
  {
    // Tests read JSON replies and fixtures as loosely typed values on purpose.
    files: ["test/**"],
    rules: {
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      // ws message data (RawData) and DuckDB row values (JS) are stringified on purpose in assertions and messages.
      "@typescript-eslint/no-base-to-string": "off",
      "@typescript-eslint/restrict-template-expressions": "off",
      // Fakes implement async interfaces (sleep, fetchTrades) without awaiting anything.
      "@typescript-eslint/require-await": "off",
    },
  },
);
