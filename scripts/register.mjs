// `node --import ./scripts/register.mjs file.ts`: TypeScript via tsx plus .hbs templates as text.
import { register } from "node:module";
import { register as registerTsx } from "tsx/esm/api";

register("./hbs-loader.mjs", import.meta.url);
registerTsx();
