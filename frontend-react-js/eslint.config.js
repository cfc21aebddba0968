// `npm run lint` (and so `make test-frontend`): ESLint's, React's and the Hooks' recommended rules, and
// the import layering docs/frontend.md promises. lib/ knows nothing of the UI; components never reach
// into pages; pages never import each other; src/app/ wires pages in, and of it only the route table
// (links) is for components and pages, since the router itself imports them.
import js from "@eslint/js";
import importPlugin from "eslint-plugin-import";
import react from "eslint-plugin-react";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";

const layers = [
  { target: "./src/pages", from: "./src/pages", message: "Pages do not import pages: move what they share into src/components/." },
  { target: "./src/components", from: "./src/pages", message: "Components do not import pages." },
  { target: "./src/lib", from: ["./src/components", "./src/pages", "./src/app"], message: "lib/ is below the UI: it imports no components, pages or app wiring." },
  {
    target: ["./src/components", "./src/pages"],
    from: "./src/app",
    except: ["./routes.js"],
    message: "Only the route table is shared; the router imports components and pages itself.",
  },
];

export default [
  { ignores: ["dist/", "node_modules/"] },
  js.configs.recommended,
  react.configs.flat.recommended,
  react.configs.flat["jsx-runtime"],
  reactHooks.configs.flat.recommended,
  importPlugin.flatConfigs.recommended,
  {
    files: ["**/*.{js,jsx,mjs}"],
    languageOptions: {
      ecmaVersion: "latest",
      sourceType: "module",
      globals: globals.browser,
      parserOptions: { ecmaFeatures: { jsx: true } },
    },
    settings: {
      react: { version: "detect" },
      "import/resolver": { node: { extensions: [".js", ".jsx"] } },
    },
    rules: {
      "import/no-restricted-paths": ["error", { zones: layers }],
      // usePaged and useResource take deps like useEffect: check every call's deps against its loader.
      "react-hooks/exhaustive-deps": ["error", { additionalHooks: "^(usePaged|useResource)$" }],
      // The app has no prop-types; components are checked by the tests that render them.
      "react/prop-types": "off",
      // `const { dropped, ...rest } = obj` is how a key is left out.
      "no-unused-vars": ["error", { ignoreRestSiblings: true }],
      // Vite and its React plugin publish only an `exports` map, which this plugin's resolver cannot read.
      "import/no-unresolved": ["error", { ignore: ["^vite$", "^@vitejs/plugin-react$"] }],
    },
  },
  {
    files: ["tests/**", "scripts/**", "*.config.js"],
    languageOptions: { globals: globals.node },
  },
];
