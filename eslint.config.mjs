// One style for the whole tree: typescript-eslint's recommended rules plus TSDoc syntax (one `@param` style:
// `@param name - text`). Prettier owns layout; ESLint owns correctness.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import tsdoc from "eslint-plugin-tsdoc";

export default tseslint.config(
    { ignores: ["node_modules/**", "dist/**", "policies/node_modules/**", ".toolchain/**", "scratch/**"] },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        files: ["**/*.ts"],
        plugins: { tsdoc },
        rules: {
            "tsdoc/syntax": "error",
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
            "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports", disallowTypeAnnotations: false }],
            "no-console": "off",
        },
    },
);
